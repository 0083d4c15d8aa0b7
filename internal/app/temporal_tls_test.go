package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"

	"github.com/rectify/rectify/internal/config"
)

// TestTemporalMTLS dials a Temporal frontend that sits behind a TLS
// terminator requiring client certificates (as a production cluster with
// mTLS does), with the settings a deployment gives in TEMPORAL_TLS_*.
func TestTemporalMTLS(t *testing.T) {
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	dir := t.TempDir()
	ca := newTestCA(t)
	serverCert := ca.issue(t, "temporal.internal", x509.ExtKeyUsageServerAuth)
	clientCert := ca.issue(t, "rectify-worker", x509.ExtKeyUsageClientAuth)
	caFile := writePEM(t, dir, "ca.pem", "CERTIFICATE", ca.cert.Raw)
	certFile := writePEM(t, dir, "client.pem", "CERTIFICATE", clientCert.Certificate[0])
	keyDER, err := x509.MarshalPKCS8PrivateKey(clientCert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := writePEM(t, dir, "client-key.pem", "PRIVATE KEY", keyDER)
	addr := tlsTerminator(t, ts.GetFrontendHostPort(), &tls.Config{
		Certificates: []tls.Certificate{serverCert}, ClientCAs: ca.pool(), ClientAuth: tls.RequireAndVerifyClientCert,
		NextProtos: []string{"h2"}, // gRPC insists on ALPN
	})
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	tests := []struct {
		name string
		env  map[string]string
		ok   bool
	}{
		{name: "OK", ok: true, env: map[string]string{"TEMPORAL_TLS_CERT": certFile, "TEMPORAL_TLS_KEY": keyFile, "TEMPORAL_TLS_CA": caFile, "TEMPORAL_TLS_SERVER_NAME": "temporal.internal"}},
		{name: "ErrNoClientCertificate", env: map[string]string{"TEMPORAL_TLS_CA": caFile, "TEMPORAL_TLS_SERVER_NAME": "temporal.internal"}},
		{name: "ErrUnknownServerCA", env: map[string]string{"TEMPORAL_TLS_CERT": certFile, "TEMPORAL_TLS_KEY": keyFile, "TEMPORAL_TLS_SERVER_NAME": "temporal.internal"}},
		{name: "ErrPlaintext", env: map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["TEMPORAL_ADDRESS"] = addr
			cfg, err := config.Load(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			sec, err := temporalSecurityFrom(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 4*time.Second)
			defer cancel()
			// The process's own dial: namespace check, then the client.
			c, err := dialTemporal(ctx, addr, ts.GetDefaultNamespace(), sec, logger)
			if err == nil {
				_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
				c.Close()
			}
			if tc.ok && err != nil {
				t.Fatalf("dial with mTLS: %v", err)
			}
			if !tc.ok && err == nil {
				t.Fatal("dial succeeded, want a refusal")
			}
		})
	}
}

func TestTemporalSecurityFromFiles(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  config.Config
		ok   bool
	}{
		{name: "OffWithoutSettings", cfg: config.Config{}, ok: true},
		{name: "APIKeyOnly", cfg: config.Config{TemporalTLS: true, TemporalAPIKey: "k"}, ok: true},
		{name: "ErrMissingCertificate", cfg: config.Config{TemporalTLS: true, TemporalTLSCert: filepath.Join(dir, "absent.pem"), TemporalTLSKey: filepath.Join(dir, "absent-key.pem")}},
		{name: "ErrCANotPEM", cfg: config.Config{TemporalTLS: true, TemporalTLSCA: notPEM}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sec, err := temporalSecurityFrom(tc.cfg)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if tc.ok && tc.cfg.TemporalTLS != (sec.TLS != nil) {
				t.Errorf("TLS config %v for TemporalTLS %v", sec.TLS, tc.cfg.TemporalTLS)
			}
			if tc.ok && (tc.cfg.TemporalAPIKey != "") != (sec.Credentials != nil) {
				t.Errorf("credentials %v for API key %q", sec.Credentials, tc.cfg.TemporalAPIKey)
			}
		})
	}
}

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testCA{cert: cert, key: key}
}

func (ca testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

func (ca testCA) issue(t *testing.T, name string, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func writePEM(t *testing.T, dir, name, kind string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tlsTerminator accepts TLS on loopback and forwards the plaintext to
// target, as a load balancer in front of a Temporal frontend would.
func tlsTerminator(t *testing.T, target string, cfg *tls.Config) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer in.Close()
				if err := in.(*tls.Conn).Handshake(); err != nil {
					return
				}
				out, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer out.Close()
				go func() { _, _ = io.Copy(out, in); out.Close() }()
				_, _ = io.Copy(in, out)
			}()
		}
	}()
	return ln.Addr().String()
}
