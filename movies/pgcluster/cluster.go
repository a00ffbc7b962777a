package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoBinaries is returned (wrapped) when the PostgreSQL server binaries
// cannot be found. Its message names the package to install.
var ErrNoBinaries = errors.New(`PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: ` +
	`install them with "apt-get install postgresql" (or set PG_BINDIR to their directory), ` +
	`or set DATABASE_URL to an existing database`)

// FindBinDir returns the directory holding initdb, pg_ctl and postgres:
// $PG_BINDIR if set, else the newest /usr/lib/postgresql/<major>/bin, else
// the directory of pg_ctl on PATH.
func FindBinDir() (string, error) {
	has := func(dir string) bool {
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, b)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("PG_BINDIR"); d != "" {
		if has(d) {
			return d, nil
		}
		return "", fmt.Errorf("PG_BINDIR=%s: %w", d, ErrNoBinaries)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", ErrNoBinaries
}

func majorOf(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// Config describes a private cluster.
type Config struct {
	// Dir is the data directory. It is created and initialised (initdb) when
	// it holds no cluster yet; an existing cluster is started as it is.
	Dir string
	// TCP also listens on a free 127.0.0.1 port (see Cluster.Port). Without
	// it the server listens only on its Unix socket in Dir.
	TCP bool
	// Ephemeral turns off durability (fsync, synchronous_commit,
	// full_page_writes) for throwaway test clusters, and stops the server
	// when this process ends, even when it is killed before Stop (a test
	// binary's timeout panic skips deferred calls and cleanups).
	Ephemeral bool
	// Settings are extra postgresql.conf settings.
	Settings map[string]string
	// BinDir overrides FindBinDir.
	BinDir string
	// Log receives progress lines; nil discards them.
	Log *slog.Logger
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir     string
	binDir  string
	port    int
	tcp     bool
	cred    *syscall.Credential
	log     *slog.Logger
	reused  bool
	stopped bool
	watcher *exec.Cmd // Ephemeral: stops the server once this process is gone
	halted  bool      // by Halt, until Resume
}

// Superuser is the database superuser of clusters made by this package.
const Superuser = "postgres"

// Start initialises (when needed) and starts the cluster in cfg.Dir and
// waits until it accepts connections. If a server from an earlier run is
// still running on that directory it is reused.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	binDir := cfg.BinDir
	if binDir == "" {
		var err error
		if binDir, err = FindBinDir(); err != nil {
			return nil, err
		}
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, binDir: binDir, tcp: cfg.TCP, log: log, port: 5432}
	if c.cred, err = runAs(); err != nil {
		return nil, err
	}
	if len(c.socketPath()) > 100 {
		return nil, fmt.Errorf("pgcluster: data directory path %s is too long for a Unix socket; use a shorter one", dir)
	}
	if err := c.prepareDir(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
	}
	if c.running(ctx) {
		port, err := c.readPort()
		if err == nil && (!cfg.TCP || port > 0) {
			c.port, c.reused = port, true
			log.Info("postgres: reusing running server", "dir", dir)
			if c.ping(ctx) == nil {
				if cfg.Ephemeral {
					c.watch()
				}
				return c, nil
			}
		}
		_ = c.pgctl(ctx, "stop", "-m", "fast", "-w")
	}
	for attempt := 0; ; attempt++ {
		if cfg.TCP {
			if c.port, err = freePort(); err != nil {
				return nil, err
			}
		}
		if err := c.writeConf(cfg); err != nil {
			return nil, err
		}
		err = c.pgctl(ctx, "start", "-w", "-t", "60", "-l", filepath.Join(dir, "server.log"))
		if err == nil {
			break
		}
		if attempt >= 2 || !cfg.TCP {
			return nil, fmt.Errorf("pgcluster: start %s: %w\n%s", dir, err, c.tailLog())
		}
	}
	if err := c.ping(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	if cfg.Ephemeral {
		c.watch()
	}
	log.Info("postgres: started", "dir", dir, "bin", binDir, "tcp", cfg.TCP, "port", c.port)
	return c, nil
}

// watch starts a small shell that polls for this process and, once it is
// gone, stops the server. Polling /proc rather than kill -0 because the
// shell runs as the postgres user, which may not signal us.
func (c *Cluster) watch() {
	script := `while [ -d /proc/$0 ]; do sleep 1; done; exec "$1" -D "$2" stop -m immediate`
	cmd := c.asOwner(exec.Command("/bin/sh", "-c", script, strconv.Itoa(os.Getpid()), filepath.Join(c.binDir, "pg_ctl"), c.dir))
	if err := cmd.Start(); err != nil {
		c.log.Warn("postgres: no exit watcher; a killed test may leave the server running", "dir", c.dir, "err", err)
		return
	}
	c.watcher = cmd
}

func (c *Cluster) stopWatcher() {
	if c.watcher != nil {
		_ = c.watcher.Process.Kill()
		_ = c.watcher.Wait()
		c.watcher = nil
	}
}

// runAs returns the credential to run PostgreSQL programs with: the
// `postgres` user when this process is root, nil (the current user)
// otherwise.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root and there is no unprivileged \"postgres\" user " +
			"to run PostgreSQL as (it refuses to run as root): install the postgresql package, which creates it " +
			"(\"apt-get install postgresql\"), or run as a non-root user")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// Owner returns the uid and gid that own the cluster's files (-1, -1 when
// that is the current user).
func (c *Cluster) owner() (int, int) {
	if c.cred == nil {
		return -1, -1
	}
	return int(c.cred.Uid), int(c.cred.Gid)
}

func (c *Cluster) prepareDir() error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	if c.cred == nil {
		return os.Chmod(c.dir, 0o700)
	}
	uid, gid := c.owner()
	if err := os.Chown(c.dir, uid, gid); err != nil {
		return err
	}
	if err := os.Chmod(c.dir, 0o700); err != nil {
		return err
	}
	// The postgres user must be able to reach the directory.
	for p := filepath.Dir(c.dir); p != "/"; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("pgcluster: %s is not searchable by the postgres user (mode %v); "+
				"choose a data directory outside it", p, fi.Mode().Perm())
		}
	}
	return nil
}

// Reachable reports whether dir could hold a cluster: when running as root
// every parent directory must be searchable by the postgres user.
func Reachable(dir string) bool {
	if os.Geteuid() != 0 {
		return true
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for p := filepath.Dir(dir); p != "/"; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return false
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return false
		}
	}
	return true
}

func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return c.asOwner(exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...))
}

// asOwner runs cmd in the data directory as the cluster's owner.
func (c *Cluster) asOwner(cmd *exec.Cmd) *exec.Cmd {
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGDATA="+c.dir)
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
		cmd.Env = append(cmd.Env, "HOME="+c.dir, "USER=postgres", "LOGNAME=postgres")
	}
	return cmd
}

func (c *Cluster) initdb(ctx context.Context) error {
	c.log.Info("postgres: initdb", "dir", c.dir)
	args := []string{"-D", c.dir, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--no-sync"}
	out, err := c.command(ctx, "initdb", append(args, "--locale=C.UTF-8")...).CombinedOutput()
	if err != nil {
		// Older servers or libcs without C.UTF-8: fall back to the C locale.
		_ = os.RemoveAll(c.dir)
		if err2 := c.prepareDir(); err2 != nil {
			return err2
		}
		out2, err2 := c.command(ctx, "initdb", append(args, "--no-locale")...).CombinedOutput()
		if err2 != nil {
			return fmt.Errorf("pgcluster: initdb %s: %w\n%s\n%s", c.dir, err2, out, out2)
		}
	}
	f, err := os.OpenFile(filepath.Join(c.dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("\ninclude_if_exists = 'pgcluster.conf'\n")
	return err
}

func (c *Cluster) writeConf(cfg Config) error {
	set := map[string]string{
		"port":                    strconv.Itoa(c.port),
		"unix_socket_directories": quote(c.dir),
		"listen_addresses":        quote(""),
		"max_connections":         "100",
		"logging_collector":       "off",
		"log_min_messages":        "warning",
		"timezone":                quote("UTC"),
		// Private clusters live on local disks (SSD): price random reads
		// accordingly, as production PostgreSQL on SSD is usually tuned.
		"random_page_cost":     "1.1",
		"effective_cache_size": quote("1GB"),
	}
	if cfg.TCP {
		set["listen_addresses"] = quote("127.0.0.1")
	}
	if cfg.Ephemeral {
		set["fsync"] = "off"
		set["synchronous_commit"] = "off"
		set["full_page_writes"] = "off"
	}
	for k, v := range cfg.Settings {
		set[k] = v
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# written by pgcluster at every start\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s = %s\n", k, set[k])
	}
	p := filepath.Join(c.dir, "pgcluster.conf")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		return err
	}
	uid, gid := c.owner()
	if uid >= 0 {
		return os.Chown(p, uid, gid)
	}
	return nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (c *Cluster) pgctl(ctx context.Context, args ...string) error {
	out, err := c.command(ctx, "pg_ctl", append([]string{"-D", c.dir}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (c *Cluster) running(ctx context.Context) bool {
	if _, err := os.Stat(filepath.Join(c.dir, "postmaster.pid")); err != nil {
		return false
	}
	return c.command(ctx, "pg_ctl", "-D", c.dir, "status").Run() == nil
}

// readPort reads the port of a running server from postmaster.pid (line 4)
// and whether it listens on TCP (line 6); it returns 0 for socket-only.
func (c *Cluster) readPort() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 6 {
		return 0, errors.New("short postmaster.pid")
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return 0, err
	}
	if c.tcp && strings.TrimSpace(lines[5]) == "" {
		return 0, nil
	}
	return port, nil
}

func (c *Cluster) tailLog() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func (c *Cluster) ping(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err := pgx.Connect(cctx, c.DSN("postgres"))
		if err == nil {
			err = conn.Ping(cctx)
			_ = conn.Close(cctx)
		}
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("pgcluster: server in %s does not answer: %w", c.dir, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *Cluster) socketPath() string {
	return filepath.Join(c.dir, fmt.Sprintf(".s.PGSQL.%d", 5432))
}

// Dir returns the data directory.
func (c *Cluster) Dir() string { return c.dir }

// Port returns the TCP port (also the number in the socket's name).
func (c *Cluster) Port() int { return c.port }

// Reused reports whether Start found the server already running.
func (c *Cluster) Reused() bool { return c.reused }

// DSN returns a connection URL for database db as the superuser: over TCP
// to 127.0.0.1 when the cluster listens there, else over the Unix socket.
func (c *Cluster) DSN(db string) string {
	if c.tcp {
		return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, c.port, url.PathEscape(db))
	}
	q := url.Values{"host": {c.dir}, "port": {strconv.Itoa(c.port)}, "user": {Superuser}, "sslmode": {"disable"}}
	return "postgres:///" + url.PathEscape(db) + "?" + q.Encode()
}

// CreateDatabase creates database name (no error if it exists).
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// Stop stops the server (fast shutdown) and waits for it. It is safe to
// call more than once.
func (c *Cluster) Stop() error {
	if c.stopped {
		return nil
	}
	c.stopped = true
	defer c.stopWatcher()
	if c.halted {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := c.pgctl(ctx, "stop", "-m", "fast", "-w", "-t", "55")
	if err == nil {
		c.log.Info("postgres: stopped", "dir", c.dir)
	}
	return err
}

// Halt stops the server (fast shutdown: sessions are terminated) and waits
// for it, keeping its configuration so Resume brings it back on the same
// port. For tests of clients that must survive a database outage.
func (c *Cluster) Halt(ctx context.Context) error {
	if err := c.pgctl(ctx, "stop", "-m", "fast", "-w", "-t", "55"); err != nil {
		return err
	}
	c.halted = true
	return nil
}

// Resume starts a server stopped by Halt on the same port and waits until
// it accepts connections.
func (c *Cluster) Resume(ctx context.Context) error {
	if err := c.pgctl(ctx, "start", "-w", "-t", "60", "-l", filepath.Join(c.dir, "server.log")); err != nil {
		return fmt.Errorf("pgcluster: resume %s: %w\n%s", c.dir, err, c.tailLog())
	}
	c.halted = false
	return c.ping(ctx)
}

// Restart restarts the server (fast shutdown, then start on the same
// port) and waits until it accepts connections again.
func (c *Cluster) Restart(ctx context.Context) error {
	if err := c.pgctl(ctx, "restart", "-m", "fast", "-w", "-t", "60", "-l", filepath.Join(c.dir, "server.log")); err != nil {
		return fmt.Errorf("pgcluster: restart %s: %w\n%s", c.dir, err, c.tailLog())
	}
	return c.ping(ctx)
}
