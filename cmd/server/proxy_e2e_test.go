//go:build linux

package main

// The movies server behind Debian's real Caddy and nginx with TLS, as in
// production (issue 13 §2; the Elixir app's incident happened behind Caddy
// on 443). Each test runs once per proxy, which renders the shipped
// configuration of docs/deploy (Caddyfile, nginx.conf: host, certificate
// paths, ports and upstream substituted) and listens on 127.0.0.1 only.
// Chromium reaches it as https://golive.test, with no port: its
// --host-resolver-rules map golive.test:443 to the proxy's port (and every
// other host to nothing), so the page's Origin is exactly
// https://golive.test. The certificate is a throwaway CA's leaf for
// golive.test; Chromium trusts it through
// --ignore-certificate-errors-spki-list with the leaf key's hash, and
// TestProxyPhxHost checks that with another key's hash the page is refused.
//
//	TestProxyMoviesWalk         PHX_HOST and CHECK_ORIGIN=https://golive.test:
//	                            the whole movies walk (movies_browser.mjs) over
//	                            WebSocket, LongPoll and blocked, each run on its
//	                            transport only
//	TestProxyWebSocketStripped  the proxy drops the upgrade: the client falls
//	                            back to LongPoll by itself, no WebSocket
//	                            reaches the app
//	TestProxyPhxHost            PHX_HOST alone: mounts over WebSocket
//	TestProxyOriginConn         CHECK_ORIGIN=conn (Phoenix's check_origin:
//	                            :conn): refused, the banner names the fix, no
//	                            LongPoll session
//
// The cases other than the walk run assets/e2e/proxy_browser.mjs. The
// proxies run as child processes with their files in a temporary
// directory; their logs go to the test log when a test fails.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/app"
	"github.com/cortex-cinegraph/golive/internal/e2e"
)

const (
	proxyHost = "golive.test"
	// proxyOrigin is what the browser sends: https on 443, so no port.
	proxyOrigin = "https://" + proxyHost
	// Production requires 64 characters.
	proxySecret = "proxy-e2e-secret-key-base-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEF"
)

// --- certificates ------------------------------------------------------------

// proxyPKI is a throwaway CA and its leaf certificate for golive.test.
type proxyPKI struct {
	certFile string // leaf then CA, PEM (a full chain, as proxies want it)
	keyFile  string // the leaf's key, PEM (PKCS #8)
	roots    *x509.CertPool
	// spki is the base64 SHA-256 of the leaf's SubjectPublicKeyInfo, the
	// form --ignore-certificate-errors-spki-list takes; strangerSPKI is
	// the same of a key that signed nothing here.
	spki, strangerSPKI string
}

func newProxyPKI(t *testing.T) *proxyPKI {
	t.Helper()
	dir := t.TempDir()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	now := time.Now()
	caKey, leafKey := newKey(), newKey()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "golive proxy test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: proxyHost},
		DNSNames:     []string{proxyHost},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxyPKI{certFile: filepath.Join(dir, "fullchain.pem"), keyFile: filepath.Join(dir, "privkey.pem"), roots: x509.NewCertPool()}
	p.roots.AddCert(ca)
	chain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})...)
	if err := os.WriteFile(p.certFile, chain, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	spki := func(pub any) string {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(der)
		return base64.StdEncoding.EncodeToString(sum[:])
	}
	p.spki, p.strangerSPKI = spki(&leafKey.PublicKey), spki(&newKey().PublicKey)
	return p
}

// chromiumArgs are the flags that send the browser's golive.test:443 to
// 127.0.0.1:port (and no other host anywhere: nothing leaves the machine)
// and accept the certificate whose key hashes to spki.
func proxyChromiumArgs(port int, spki string) string {
	b, _ := json.Marshal([]string{
		fmt.Sprintf("--host-resolver-rules=MAP %s:443 127.0.0.1:%d, MAP * ~NOTFOUND", proxyHost, port),
		"--ignore-certificate-errors-spki-list=" + spki,
	})
	return string(b)
}

// --- the proxies -------------------------------------------------------------

// proxyKind is one reverse proxy: how to render its configuration and run
// it.
type proxyKind struct {
	name    string
	program string // looked up by e2e.RequireProgram
	deb     string // the Debian package that provides it
	// render returns the configuration files to write into dir (name to
	// content; the first is the one to run) from the shipped file.
	render func(t *testing.T, p proxyParams) []proxyFile
	args   func(dir, conf string) []string
}

type proxyFile struct{ name, content string }

// proxyParams are what a rendering substitutes.
type proxyParams struct {
	dir             string
	pki             *proxyPKI
	upstream        string // the app, 127.0.0.1:port
	port, httpPort  int    // HTTPS and the redirecting HTTP port
	stripWebSockets bool   // the broken variant of TestProxyWebSocketStripped
}

var proxyKinds = []proxyKind{
	{name: "caddy", program: "caddy", deb: "caddy", render: renderCaddy, args: func(_, conf string) []string {
		return []string{"run", "--config", conf, "--adapter", "caddyfile"}
	}},
	{name: "nginx", program: "nginx", deb: "nginx", render: renderNginx, args: func(dir, conf string) []string {
		return []string{"-p", dir + "/", "-c", conf, "-g", "daemon off;"}
	}},
}

// shippedConfig reads docs/deploy/name without its comment lines (so that
// a substitution can only hit a directive).
func shippedConfig(t *testing.T, name string) string {
	t.Helper()
	assets, err := e2e.AssetsDir()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(assets), "docs", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// substitute replaces each pair's old text by its new one in s, failing
// the test when an old text is not there: the shipped file and the test
// must stay in step.
func substitute(t *testing.T, what, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%s: no %q to substitute; docs/deploy and this test disagree", what, pairs[i])
		}
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return s
}

func renderCaddy(t *testing.T, p proxyParams) []proxyFile {
	site := substitute(t, "docs/deploy/Caddyfile", shippedConfig(t, "Caddyfile"),
		"movies.example.com {", proxyHost+" {",
		"/etc/ssl/golive/fullchain.pem", p.pki.certFile,
		"/etc/ssl/golive/privkey.pem", p.pki.keyFile,
		"reverse_proxy 127.0.0.1:4000", "reverse_proxy "+p.upstream,
	)
	if p.stripWebSockets {
		// Dropping the two headers towards the app is what breaks the
		// upgrade in Caddy 2.6 (verified by the test: the app sees the
		// request without them).
		site = substitute(t, "Caddyfile", site, "reverse_proxy "+p.upstream,
			"reverse_proxy "+p.upstream+" {\n\t\theader_up -Upgrade\n\t\theader_up -Connection\n\t}")
	}
	// What a machine's Caddy has elsewhere (ports, state directory), kept
	// in the temporary directory and on loopback; no admin endpoint, no
	// trust store changes.
	global := fmt.Sprintf("{\n\tadmin off\n\tdefault_bind 127.0.0.1\n\thttps_port %d\n\thttp_port %d\n"+
		"\tstorage file_system %s\n\tskip_install_trust\n\tgrace_period 1s\n}\n",
		p.port, p.httpPort, filepath.Join(p.dir, "storage"))
	return []proxyFile{{"Caddyfile", global + site}}
}

func renderNginx(t *testing.T, p proxyParams) []proxyFile {
	site := substitute(t, "docs/deploy/nginx.conf", shippedConfig(t, "nginx.conf"),
		"movies.example.com", proxyHost,
		"/etc/ssl/golive/fullchain.pem", p.pki.certFile,
		"/etc/ssl/golive/privkey.pem", p.pki.keyFile,
		"proxy_pass http://127.0.0.1:4000;", "proxy_pass http://"+p.upstream+";",
		"listen 443 ssl http2;", fmt.Sprintf("listen 127.0.0.1:%d ssl http2;", p.port),
		"listen [::]:443 ssl http2;", "",
		"listen 80;", fmt.Sprintf("listen 127.0.0.1:%d;", p.httpPort),
		"listen [::]:80;", "",
	)
	if p.stripWebSockets {
		// The classic configuration: HTTP/1.0 to the app, which carries
		// no Upgrade (nginx does not forward the browser's hop-by-hop
		// Upgrade and Connection headers).
		site = substitute(t, "nginx.conf", site,
			"proxy_http_version 1.1;", "",
			"proxy_set_header Upgrade $http_upgrade;", "",
			"proxy_set_header Connection $connection_upgrade;", "",
		)
	}
	// The main file a machine's nginx has (/etc/nginx/nginx.conf), with
	// everything in the temporary directory. One process, no workers: it
	// needs no user to switch to and dies with the test.
	tmp := func(name string) string { return filepath.Join(p.dir, "tmp", name) }
	main := fmt.Sprintf(`master_process off;
pid %s;
error_log %s notice;
events { worker_connections 512; }
http {
	log_format golive '$remote_addr "$request" $status upgrade="$http_upgrade" upstream=$upstream_status';
	access_log %s golive;
	client_body_temp_path %s;
	proxy_temp_path %s;
	fastcgi_temp_path %s;
	uwsgi_temp_path %s;
	scgi_temp_path %s;
	include %s;
}
`, filepath.Join(p.dir, "nginx.pid"), filepath.Join(p.dir, "error.log"), filepath.Join(p.dir, "access.log"),
		tmp("body"), tmp("proxy"), tmp("fastcgi"), tmp("uwsgi"), tmp("scgi"), filepath.Join(p.dir, "golive-movies.conf"))
	return []proxyFile{{"nginx.conf", main}, {"golive-movies.conf", site}}
}

// proxyServer is a running proxy.
type proxyServer struct {
	kind           proxyKind
	dir            string
	port, httpPort int
	files          []proxyFile
	roots          *x509.CertPool
	cmd            *exec.Cmd
	exited         chan struct{}
}

// freePort is a loopback port nobody listened on a moment ago. Another
// process may take it before the proxy does; startProxy then retries.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

var errPortTaken = errors.New("port taken")

// startProxy runs kind in front of upstream and waits until it serves the
// app's /healthz over TLS with the test CA's certificate for golive.test.
// It is stopped at cleanup; when the test failed, its configuration and
// logs are logged.
func startProxy(t *testing.T, kind proxyKind, pki *proxyPKI, upstream string, stripWebSockets bool) *proxyServer {
	t.Helper()
	bin := e2e.RequireProgram(t, kind.program, kind.deb)
	for attempt := 1; ; attempt++ {
		p, err := tryProxy(t, bin, kind, proxyParams{
			dir: t.TempDir(), pki: pki, upstream: upstream,
			port: freePort(t), httpPort: freePort(t), stripWebSockets: stripWebSockets,
		})
		if err == nil {
			return p
		}
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			t.Fatalf("%s: %v", kind.name, err)
		}
		t.Logf("%s: %v; again on other ports", kind.name, err)
	}
}

func tryProxy(t *testing.T, bin string, kind proxyKind, pp proxyParams) (*proxyServer, error) {
	t.Helper()
	p := &proxyServer{kind: kind, dir: pp.dir, port: pp.port, httpPort: pp.httpPort, files: kind.render(t, pp), roots: pp.pki.roots, exited: make(chan struct{})}
	for _, d := range []string{"tmp", "home", "config", "data"} {
		if err := os.MkdirAll(filepath.Join(p.dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range p.files {
		if err := os.WriteFile(filepath.Join(p.dir, f.name), []byte(f.content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := os.Create(filepath.Join(p.dir, "output.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	p.cmd = exec.Command(bin, kind.args(p.dir, filepath.Join(p.dir, p.files[0].name))...)
	p.cmd.Dir = p.dir
	// Caddy keeps its state under HOME and the XDG directories.
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(p.dir, "home"),
		"XDG_CONFIG_HOME=" + filepath.Join(p.dir, "config"), "XDG_DATA_HOME=" + filepath.Join(p.dir, "data")}
	p.cmd.Stdout, p.cmd.Stderr = out, out
	// Its own process group, killed with the test binary if that dies.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	if err := p.waitReady(); err != nil {
		p.stop(t)
		log := p.logs()
		if strings.Contains(log, "address already in use") {
			return nil, fmt.Errorf("%w: %s", errPortTaken, lastLine(log, "address already in use"))
		}
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return p, nil
}

func lastLine(s, containing string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], containing) {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

// client is an HTTPS client that reaches https://golive.test on the
// proxy's port and trusts only the test CA.
func (p *proxyServer) client() *http.Client {
	addr := "127.0.0.1:" + strconv.Itoa(p.port)
	httpAddr := "127.0.0.1:" + strconv.Itoa(p.httpPort)
	var d net.Dialer
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: p.roots, ServerName: proxyHost},
			DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
				switch a {
				case proxyHost + ":443":
					a = addr
				case proxyHost + ":80":
					a = httpAddr
				default:
					return nil, fmt.Errorf("the test client only reaches %s, not %s", proxyHost, a)
				}
				return d.DialContext(ctx, network, a)
			},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (p *proxyServer) waitReady() error {
	c := p.client()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited (%v) before serving", p.kind.name, p.cmd.ProcessState)
		default:
		}
		res, err := c.Get(proxyOrigin + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /healthz: %s %q", res.Status, body)
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s not serving https://%s/healthz after 15 s: %v", p.kind.name, proxyHost, last)
}

// stop ends the proxy (SIGTERM to its process group, SIGKILL after 5 s)
// and, when the test failed, logs its configuration and logs.
func (p *proxyServer) stop(t *testing.T) {
	if p.cmd.Process == nil {
		return
	}
	select {
	case <-p.exited:
	default:
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.exited
		}
	}
	if t.Failed() {
		for _, f := range p.files {
			t.Logf("%s: %s as run:\n%s", p.kind.name, f.name, f.content)
		}
		t.Logf("%s: logs:\n%s", p.kind.name, p.logs())
	}
}

func (p *proxyServer) logs() string {
	var b strings.Builder
	for _, name := range []string{"output.log", "error.log", "access.log"} {
		data, err := os.ReadFile(filepath.Join(p.dir, name))
		if err == nil && len(data) > 0 {
			fmt.Fprintf(&b, "--- %s\n%s", name, data)
		}
	}
	return b.String()
}

// --- what reaches the app ----------------------------------------------------

// proxyTraffic records what reached the app through the proxy.
type proxyTraffic struct {
	mu sync.Mutex
	c  proxyCounts
}

type proxyCounts struct {
	Upgrades int // GET /live/websocket with Upgrade: websocket
	// Stripped counts GET /live/websocket without it: the browser asked
	// for an upgrade and the proxy passed on a plain request. StrippedAs
	// says how they came: protocol and Connection header.
	Stripped         int
	StrippedAs       map[string]int
	LongPollGets     int
	LongPollPosts    int
	LongPollSessions int            // GETs answered {"status":410}: sessions created
	LongPollRefused  int            // answered {"status":403}
	Origins          map[string]int // Origin headers of socket requests
	Hosts            map[string]int // Host of every request
	Protos           map[string]int // X-Forwarded-Proto of every request
}

func (p *proxyTraffic) note(f func(c *proxyCounts)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.c.Origins == nil {
		p.c.Origins, p.c.Hosts, p.c.Protos, p.c.StrippedAs = map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	}
	f(&p.c)
}

func (p *proxyTraffic) snapshot() proxyCounts {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.c
	c.Origins, c.Hosts, c.Protos, c.StrippedAs = maps.Clone(c.Origins), maps.Clone(c.Hosts), maps.Clone(c.Protos), maps.Clone(c.StrippedAs)
	return c
}

// wrap records each request, then serves it as main does (st.Handler:
// the secure browser headers and the query limits).
func (p *proxyTraffic) wrap(st *app.Stack, next http.Handler) http.Handler {
	return st.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		p.note(func(c *proxyCounts) {
			c.Hosts[r.Host]++
			c.Protos[r.Header.Get("X-Forwarded-Proto")]++
			if strings.HasPrefix(path, "/live/") {
				if o := r.Header.Get("Origin"); o != "" {
					c.Origins[o]++
				}
			}
			if path == "/live/websocket" {
				if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
					c.Upgrades++
				} else {
					c.Stripped++
					c.StrippedAs[fmt.Sprintf("%s Connection=%q Upgrade=%q", r.Proto, r.Header.Get("Connection"), r.Header.Get("Upgrade"))]++
				}
			}
		})
		if path != "/live/longpoll" {
			next.ServeHTTP(w, r)
			return
		}
		sw := &sniffWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		status := 0
		if m := lpStatus.FindSubmatch(sw.head); m != nil {
			status, _ = strconv.Atoi(string(m[1]))
		}
		p.note(func(c *proxyCounts) {
			switch r.Method {
			case http.MethodGet:
				c.LongPollGets++
				if status == http.StatusGone {
					c.LongPollSessions++
				}
			case http.MethodPost:
				c.LongPollPosts++
			}
			if status == http.StatusForbidden {
				c.LongPollRefused++
			}
		})
	}))
}

// proxyConfig is the app as production runs it behind the proxy:
// APP_ENV=prod, PHX_HOST=golive.test (so PUBLIC_URL is
// https://golive.test) and checkOrigin as CHECK_ORIGIN.
func proxyConfig(checkOrigin string) app.Config {
	return app.Config{
		Production: true, PhxHost: proxyHost, CheckOrigin: checkOrigin, PublicURL: proxyOrigin,
		SecretKeyBase: []byte(proxySecret),
	}
}

// onlyKey checks that m has exactly the key want.
func onlyKey(t *testing.T, what string, m map[string]int, want string) {
	t.Helper()
	if len(m) != 1 || m[want] == 0 {
		t.Errorf("%s: %v, want only %q", what, m, want)
	}
}

// checkProxyHTTP checks the proxy's plain HTTP side: port 80 redirects to
// https://golive.test, and the page through it carries what PUBLIC_URL
// gives (the canonical link on https://golive.test, Secure cookies).
func checkProxyHTTP(t *testing.T, px *proxyServer) {
	t.Helper()
	c := px.client()
	res, err := c.Get("http://" + proxyHost + "/movies?page=2")
	if err != nil {
		t.Fatalf("%s: GET http://%s/movies: %v", px.kind.name, proxyHost, err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusMovedPermanently && res.StatusCode != http.StatusPermanentRedirect ||
		loc == nil || loc.Scheme != "https" || loc.Hostname() != proxyHost || loc.RequestURI() != "/movies?page=2" {
		t.Errorf("%s: GET http://%s/movies?page=2: %s, Location %q; want a permanent redirect to https://%s/movies?page=2",
			px.kind.name, proxyHost, res.Status, res.Header.Get("Location"), proxyHost)
	}
	res, err = c.Get(proxyOrigin + "/movies")
	if err != nil {
		t.Fatalf("%s: GET %s/movies: %v", px.kind.name, proxyOrigin, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`<link rel="canonical" href="`+proxyOrigin+`/movies"`)) {
		t.Errorf("%s: GET %s/movies: %s; want 200 with the canonical link on %s", px.kind.name, proxyOrigin, res.Status, proxyOrigin)
	}
	for _, ck := range res.Cookies() {
		if !ck.Secure {
			t.Errorf("%s: cookie %s is not Secure behind the TLS proxy", px.kind.name, ck.Name)
		}
	}
}

// --- the tests -----------------------------------------------------------------

// TestProxyMoviesWalk is the movies walk of TestMoviesBrowser (over
// WebSocket, LongPoll, and with the live connection blocked) at
// https://golive.test through each proxy, the app configured as in
// production with CHECK_ORIGIN=https://golive.test (the allow list, the
// strictest rule that works behind the proxy).
func TestProxyMoviesWalk(t *testing.T) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app.css")
	t.Parallel()
	for _, kind := range proxyKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			pki := newProxyPKI(t)
			rec := &proxyTraffic{}
			h := newMoviesHarnessWith(t, proxyConfig(proxyOrigin), rec.wrap)
			px := startProxy(t, kind, pki, h.srv.Addr(), false)
			checkProxyHTTP(t, px)
			ctl := h.control(t)
			defer func() { t.Logf("the app saw %+v", rec.snapshot()) }()
			e2e.RunNode(t, "movies_browser.mjs", map[string]string{
				"E2E_URL":           proxyOrigin,
				"E2E_CONTROL":       ctl.URL(),
				"CHROMIUM_PATH":     chromium,
				"E2E_FIXTURES":      moviesFixtures(t, h.store),
				"E2E_CHROMIUM_ARGS": proxyChromiumArgs(px.port, pki.spki),
			}, 180*time.Second)
			h.checkTransports(t)
			if n := h.st.Engine.Stats().Crashes.Load(); n != 0 {
				t.Errorf("%d view crashes", n)
			}
			c := rec.snapshot()
			onlyKey(t, "Origin of the socket requests", c.Origins, proxyOrigin)
			onlyKey(t, "Host of the requests", c.Hosts, proxyHost)
			onlyKey(t, "X-Forwarded-Proto of the requests", c.Protos, "https")
			if c.Upgrades == 0 || c.Stripped != 0 || c.LongPollSessions == 0 {
				t.Errorf("%d WebSocket upgrades, %d upgrades stripped, %d LongPoll sessions; want some, none, some", c.Upgrades, c.Stripped, c.LongPollSessions)
			}
		})
	}
}

// runProxyCase runs proxy_browser.mjs's case name behind each proxy in
// front of the app configured by cfg (stripWebSockets: the proxy's broken
// variant), then check on what the app saw.
func runProxyCase(t *testing.T, name string, cfg app.Config, stripWebSockets bool, check func(t *testing.T, h *moviesHarness, c proxyCounts)) {
	chromium := e2e.RequireChromium(t)
	e2e.RequireAssets(t, "app.js", "app.css")
	t.Parallel()
	for _, kind := range proxyKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			pki := newProxyPKI(t)
			rec := &proxyTraffic{}
			h := newMoviesHarnessWith(t, cfg, rec.wrap)
			px := startProxy(t, kind, pki, h.srv.Addr(), stripWebSockets)
			ctl := e2e.NewControl(t)
			ctl.Handle("GET /expect", func(r *http.Request) (any, error) { return h.expect(r.URL.Query().Get("url")) })
			ctl.Handle("GET /stats", func(*http.Request) (any, error) {
				return map[string]any{"traffic": rec.snapshot(), "socket": h.st.Socket.Stats(), "failures": h.st.Socket.FailureCounts()}, nil
			})
			defer func() {
				t.Logf("the app saw %+v; socket %+v; failures %v", rec.snapshot(), h.st.Socket.Stats(), h.st.Socket.FailureCounts())
			}()
			e2e.RunNode(t, "proxy_browser.mjs", map[string]string{
				"E2E_CASE":           name,
				"E2E_URL":            proxyOrigin,
				"E2E_CONTROL":        ctl.URL(),
				"CHROMIUM_PATH":      chromium,
				"E2E_CHROMIUM_ARGS":  proxyChromiumArgs(px.port, pki.spki),
				"E2E_UNTRUSTED_ARGS": proxyChromiumArgs(px.port, pki.strangerSPKI),
			}, 60*time.Second)
			if n := h.st.Engine.Stats().Crashes.Load(); n != 0 {
				t.Errorf("%d view crashes", n)
			}
			check(t, h, rec.snapshot())
		})
	}
}

// TestProxyWebSocketStripped: a proxy that drops the upgrade (nginx's
// classic configuration without proxy_http_version 1.1 and the Upgrade and
// Connection headers; Caddy with header_up -Upgrade -Connection). The
// client falls back to LongPoll by itself and search and filter changes
// render; the app saw the browser's upgrade requests arrive as plain GETs
// and no WebSocket.
func TestProxyWebSocketStripped(t *testing.T) {
	runProxyCase(t, "stripped", proxyConfig(""), true, func(t *testing.T, h *moviesHarness, c proxyCounts) {
		if c.Upgrades != 0 || c.Stripped == 0 {
			t.Errorf("%d WebSocket upgrades and %d stripped upgrade requests reached the app; want none and some", c.Upgrades, c.Stripped)
		}
		if c.LongPollSessions == 0 || c.LongPollPosts == 0 {
			t.Errorf("%d LongPoll sessions and %d POSTs on the app; want some", c.LongPollSessions, c.LongPollPosts)
		}
		if n := h.st.Socket.FailureCounts()["origin_refused"]; n != 0 {
			t.Errorf("%d origins refused", n)
		}
	})
}

// TestProxyPhxHost: PHX_HOST=golive.test and no CHECK_ORIGIN behind a
// correct proxy: the browser's origin https://golive.test (no port) is
// accepted, the page mounts over WebSocket and a search renders; Chromium
// without the certificate's key hash refuses the page.
func TestProxyPhxHost(t *testing.T) {
	runProxyCase(t, "phxhost", proxyConfig(""), false, func(t *testing.T, h *moviesHarness, c proxyCounts) {
		if c.Upgrades == 0 || c.Stripped != 0 || c.LongPollGets != 0 {
			t.Errorf("%d WebSocket upgrades, %d stripped, %d LongPoll GETs; want some, none, none", c.Upgrades, c.Stripped, c.LongPollGets)
		}
		onlyKey(t, "Origin of the socket requests", c.Origins, proxyOrigin)
		if f := h.st.Socket.FailureCounts(); len(f) != 0 {
			t.Errorf("failures %v, want none", f)
		}
	})
}

// TestProxyOriginConn: the old misconfiguration, CHECK_ORIGIN=conn
// (Phoenix's check_origin: :conn): the app compares the Origin with what
// it sees itself, plain http from the proxy, while the browser's origin is
// https on 443. Refused; the banner names PHX_HOST and CHECK_ORIGIN; no
// LongPoll session, no reconnect storm.
func TestProxyOriginConn(t *testing.T) {
	runProxyCase(t, "conn", proxyConfig("conn"), false, func(t *testing.T, h *moviesHarness, c proxyCounts) {
		if c.LongPollSessions != 0 || c.LongPollPosts != 0 {
			t.Errorf("%d LongPoll sessions and %d POSTs on the app for a refused origin; want none", c.LongPollSessions, c.LongPollPosts)
		}
		if n := c.Upgrades + c.LongPollGets; n == 0 || n >= 30 {
			t.Errorf("%d socket requests reached the app; want a few retries, not none or a storm", n)
		}
		if s := h.st.Socket.Stats(); s.LongPollSessions != 0 || s.WebSockets != 0 || s.FramesIn != 0 {
			t.Errorf("socket server: %+v; want no socket and no frame", s)
		}
		if n := h.st.Socket.FailureCounts()["origin_refused"]; n == 0 {
			t.Errorf("no origin_refused failure counted: %v", h.st.Socket.FailureCounts())
		}
	})
}
