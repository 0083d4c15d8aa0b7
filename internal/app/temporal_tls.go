package app

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"go.temporal.io/sdk/client"

	"github.com/rectify/rectify/internal/config"
)

// temporalSecurity is how a process authenticates to a Temporal cluster:
// TLS (with a client certificate for mTLS, or a CA for a private server
// certificate) and an API key. The embedded server needs neither: it
// listens on loopback only.
type temporalSecurity struct {
	TLS         *tls.Config
	Credentials client.Credentials
}

// temporalSecurityFrom reads the certificate files named in cfg once, at
// start-up, so a bad path fails the start rather than the first call.
func temporalSecurityFrom(cfg config.Config) (temporalSecurity, error) {
	var sec temporalSecurity
	if !cfg.TemporalTLS {
		return sec, nil
	}
	sec.TLS = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.TemporalTLSServerName}
	if cfg.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TemporalTLSCert, cfg.TemporalTLSKey)
		if err != nil {
			return sec, fmt.Errorf("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: %w", err)
		}
		sec.TLS.Certificates = []tls.Certificate{cert}
	}
	if cfg.TemporalTLSCA != "" {
		pem, err := os.ReadFile(cfg.TemporalTLSCA)
		if err != nil {
			return sec, fmt.Errorf("TEMPORAL_TLS_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return sec, errors.New("TEMPORAL_TLS_CA: no PEM certificate in the file")
		}
		sec.TLS.RootCAs = pool
	}
	if cfg.TemporalAPIKey != "" {
		sec.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
	}
	return sec, nil
}

// apply sets the security on client options.
func (sec temporalSecurity) apply(o client.Options) client.Options {
	o.ConnectionOptions.TLS = sec.TLS
	o.Credentials = sec.Credentials
	return o
}
