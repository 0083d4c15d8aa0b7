// Package notifytest runs a real SMTP server and a webhook receiver on
// loopback for tests, and counts what they receive.
package notifytest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/rectify/rectify/internal/notify"
)

// Mail is one message the SMTP server accepted.
type Mail struct {
	From string
	To   []string
	Data string
}

// SMTPServer is a real SMTP server (emersion/go-smtp) keeping every message.
type SMTPServer struct {
	Host string
	Port int
	mu   sync.Mutex
	mail []Mail
}

// StartSMTP starts a server on a loopback port, stopped at the test's end.
func StartSMTP(tb testing.TB) *SMTPServer {
	tb.Helper()
	s := &SMTPServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Host, s.Port = "127.0.0.1", l.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return s
}

// Messages returns what arrived so far.
func (s *SMTPServer) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

// Count returns how many messages contain part.
func (s *SMTPServer) Count(part string) int {
	n := 0
	for _, m := range s.Messages() {
		if strings.Contains(m.Data, part) {
			n++
		}
	}
	return n
}

type session struct {
	srv *SMTPServer
	cur Mail
}

func (s *session) Reset()        { s.cur = Mail{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.From = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = string(b)
	s.srv.mu.Lock()
	s.srv.mail = append(s.srv.mail, s.cur)
	s.srv.mu.Unlock()
	return nil
}

// Hook is one webhook request, with whether its signature was valid.
type Hook struct {
	Key       string
	Body      string
	SignedOK  bool
	Timestamp string
}

// WebhookReceiver is an httptest server that checks signatures and can
// fail the first requests.
type WebhookReceiver struct {
	URL       string
	Secret    string
	FailFirst int
	mu        sync.Mutex
	seen      int
	hooks     []Hook
}

// StartWebhook starts a receiver that verifies signatures with secret.
func StartWebhook(tb testing.TB, secret string) *WebhookReceiver {
	tb.Helper()
	w := &WebhookReceiver{Secret: secret}
	srv := httptest.NewServer(http.HandlerFunc(w.serve))
	tb.Cleanup(srv.Close)
	w.URL = srv.URL + "/hook"
	return w
}

func (w *WebhookReceiver) serve(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ts := r.Header.Get(notify.TimestampHeader)
	ok := r.Header.Get(notify.SignatureHeader) == notify.Sign(w.Secret, ts, body)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen++
	if w.seen <= w.FailFirst {
		http.Error(rw, "try again", http.StatusServiceUnavailable)
		return
	}
	w.hooks = append(w.hooks, Hook{Key: r.Header.Get(notify.KeyHeader), Body: string(body), SignedOK: ok, Timestamp: ts})
	rw.WriteHeader(http.StatusNoContent)
}

// Hooks returns the accepted requests so far.
func (w *WebhookReceiver) Hooks() []Hook {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Hook(nil), w.hooks...)
}

// Count returns how many accepted requests carry key.
func (w *WebhookReceiver) Count(key string) int {
	n := 0
	for _, h := range w.Hooks() {
		if h.Key == key {
			n++
		}
	}
	return n
}
