package faultproxy_test

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/faultproxy"
)

// startEcho runs a line echo server on 127.0.0.1 until the test ends.
func startEcho(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return l.Addr().String()
}

// echo sends a line on c and returns the answer, or the error.
func echo(c net.Conn, line string) (string, error) {
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", err
	}
	return got[:len(got)-1], nil
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func mustEcho(t *testing.T, c net.Conn, line string) {
	t.Helper()
	got, err := echo(c, line)
	if err != nil || got != line {
		t.Fatalf("echo %q: got %q, %v", line, got, err)
	}
}

func mustFail(t *testing.T, c net.Conn, what string) {
	t.Helper()
	if got, err := echo(c, "ping"); err == nil {
		t.Fatalf("%s: answered %q through a cut proxy", what, got)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("%s: hung until the deadline instead of closing: %v", what, err)
	}
}

func TestProxy(t *testing.T) {
	t.Run("Forwards", func(t *testing.T) {
		p := faultproxy.Start(t, startEcho(t))
		c := dial(t, p.Addr())
		mustEcho(t, c, "hello")
		mustEcho(t, c, "again")
	})
	t.Run("CutClosesLiveConnections", func(t *testing.T) {
		p := faultproxy.Start(t, startEcho(t))
		c := dial(t, p.Addr())
		mustEcho(t, c, "before")
		p.Cut()
		mustFail(t, c, "a connection open before the cut")
	})
	t.Run("CutRefusesNewConnections", func(t *testing.T) {
		p := faultproxy.Start(t, startEcho(t))
		p.Cut()
		mustFail(t, dial(t, p.Addr()), "a connection made after the cut")
	})
	t.Run("RestoreForwardsAgain", func(t *testing.T) {
		p := faultproxy.Start(t, startEcho(t))
		old := dial(t, p.Addr())
		mustEcho(t, old, "before")
		p.Cut()
		p.Restore()
		mustFail(t, old, "a connection cut before the restore")
		mustEcho(t, dial(t, p.Addr()), "after")
	})
	t.Run("UnreachableTarget", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := l.Addr().String()
		_ = l.Close()
		p := faultproxy.Start(t, closed)
		mustFail(t, dial(t, p.Addr()), "a connection to a closed port")
	})
	t.Run("CloseEndsEverything", func(t *testing.T) {
		p, err := faultproxy.Listen(startEcho(t))
		if err != nil {
			t.Fatal(err)
		}
		c := dial(t, p.Addr())
		mustEcho(t, c, "before")
		closed := make(chan struct{})
		go func() { p.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not return")
		}
		mustFail(t, c, "a connection after Close")
		if c, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
			_ = c.Close()
			t.Fatal("the proxy still accepts after Close")
		}
	})
}
