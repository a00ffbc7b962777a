package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoBouncer is returned (wrapped) when the pgbouncer binary is missing.
var ErrNoBouncer = errors.New(`pgbouncer not found: install it with "apt-get install pgbouncer"`)

// Bouncer is a running PgBouncer in front of a Cluster.
type Bouncer struct {
	dir  string
	port int
	db   string
	cmd  *exec.Cmd
	done chan struct{}
}

// FindBouncer returns the path of the pgbouncer binary.
func FindBouncer() (string, error) {
	for _, p := range []string{"/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("pgbouncer"); err == nil {
		return p, nil
	}
	return "", ErrNoBouncer
}

// StartBouncer starts PgBouncer in transaction pooling mode on a free
// 127.0.0.1 port, in front of database db of cluster c (which must listen
// on TCP), with trust authentication for the superuser. dir holds its ini,
// pid and log files; it is created. poolSize is the server-side pool size
// per database/user pair.
func StartBouncer(ctx context.Context, c *Cluster, db, dir string, poolSize int) (*Bouncer, error) {
	bin, err := FindBouncer()
	if err != nil {
		return nil, err
	}
	if !c.tcp {
		return nil, errors.New("pgcluster: StartBouncer needs a cluster started with TCP")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if uid, gid := c.owner(); uid >= 0 {
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		b, err := startBouncer(ctx, c, bin, db, dir, port, poolSize)
		if err == nil || attempt >= 2 {
			return b, err
		}
	}
}

func startBouncer(ctx context.Context, c *Cluster, bin, db, dir string, port, poolSize int) (*Bouncer, error) {
	ini := fmt.Sprintf(`[databases]
%s = host=127.0.0.1 port=%d dbname=%s user=%s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = %d
max_client_conn = 500
ignore_startup_parameters = extra_float_digits
server_reset_query =
logfile = %s
pidfile = %s
admin_users = %s
`, db, c.port, db, Superuser, port, filepath.Join(dir, "userlist.txt"), poolSize,
		filepath.Join(dir, "pgbouncer.log"), filepath.Join(dir, "pgbouncer.pid"), Superuser)
	files := map[string]string{
		"pgbouncer.ini": ini,
		"userlist.txt":  strconv.Quote(Superuser) + ` ""` + "\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			return nil, err
		}
		if uid, gid := c.owner(); uid >= 0 {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, err
			}
		}
	}
	_ = os.Remove(filepath.Join(dir, "pgbouncer.pid"))
	cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if c.cred != nil {
		cmd.SysProcAttr.Credential = c.cred
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &Bouncer{dir: dir, port: port, db: db, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(b.done) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			conn.Close()
			return b, nil
		}
		select {
		case <-b.done:
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			return nil, fmt.Errorf("pgcluster: pgbouncer exited: %s\n%s", out.String(), log)
		case <-ctx.Done():
			b.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Stop()
			return nil, errors.New("pgcluster: pgbouncer did not listen within 15s")
		}
	}
}

// DSN returns the URL to connect through the bouncer.
func (b *Bouncer) DSN() string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, b.port, b.db)
}

// Port returns the bouncer's port.
func (b *Bouncer) Port() int { return b.port }

// Stop stops the bouncer and waits for it to exit.
func (b *Bouncer) Stop() {
	if b.cmd.Process == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.done
	}
}
