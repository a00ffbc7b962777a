package transport

import (
	"io"
	"net"
	"testing"
)

// withPrefix reuses a connection's wrapper, with the new bytes before the
// ones it had not replayed yet.
func TestWithPrefix(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go func() { b.Write([]byte("tail")); b.Close() }()
	c := withPrefix(a, []byte("ab"))
	c2 := withPrefix(c, []byte("12"))
	if c2 != c {
		t.Fatal("a given-back connection was wrapped again")
	}
	if p := c2.(*prefixConn); p.Conn != a {
		t.Fatalf("wrapper holds %T, want the raw connection", p.Conn)
	}
	got, err := io.ReadAll(c2)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "12abtail" {
		t.Fatalf("read %q, want %q", got, "12abtail")
	}
}
