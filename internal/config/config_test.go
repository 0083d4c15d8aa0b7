package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	dbFile := filepath.Join(dir, "database_url")
	if err := os.WriteFile(dbFile, []byte("postgres://rectify:file-secret@db:5432/rectify\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	smtpFile := filepath.Join(dir, "smtp_password")
	if err := os.WriteFile(smtpFile, []byte("smtp-file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "Defaults", env: map[string]string{}, check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.TemporalNamespace != "rectify" || c.TokenTTL != 12*time.Hour {
				t.Errorf("defaults = %+v", c)
			}
			if !c.EmbeddedTemporal() || c.DatabaseURL != "" {
				t.Errorf("embedded %v, database %q: want embedded Temporal and SQLite", c.EmbeddedTemporal(), c.DatabaseURL)
			}
		}},
		{name: "DatabaseURLFromFile", env: map[string]string{"DATABASE_URL_FILE": dbFile}, check: func(t *testing.T, c Config) {
			if c.DatabaseURL != "postgres://rectify:file-secret@db:5432/rectify" {
				t.Errorf("DatabaseURL = %q, want the file's content without the newline", c.DatabaseURL)
			}
		}},
		{name: "FileWinsOverVariable", env: map[string]string{"DATABASE_URL": "postgres://env", "DATABASE_URL_FILE": dbFile}, check: func(t *testing.T, c Config) {
			if !strings.Contains(c.DatabaseURL, "file-secret") {
				t.Errorf("DatabaseURL = %q, want the file's", c.DatabaseURL)
			}
		}},
		{name: "SMTPPasswordFromFile", env: map[string]string{"SMTP_PASSWORD_FILE": smtpFile}, check: func(t *testing.T, c Config) {
			if c.SMTPPassword != "smtp-file-secret" {
				t.Errorf("SMTPPassword = %q", c.SMTPPassword)
			}
		}},
		{name: "TemporalTLS", env: map[string]string{"TEMPORAL_ADDRESS": "temporal.example:7233", "TEMPORAL_TLS_CERT": "/c.pem", "TEMPORAL_TLS_KEY": "/k.pem"}, check: func(t *testing.T, c Config) {
			if !c.TemporalTLS || c.TemporalTLSCert != "/c.pem" || c.TemporalTLSKey != "/k.pem" {
				t.Errorf("TLS %v cert %q key %q", c.TemporalTLS, c.TemporalTLSCert, c.TemporalTLSKey)
			}
		}},
		{name: "TemporalAPIKeyMeansTLS", env: map[string]string{"TEMPORAL_ADDRESS": "ns.tmprl.cloud:7233", "TEMPORAL_API_KEY": "key"}, check: func(t *testing.T, c Config) {
			if !c.TemporalTLS || c.TemporalAPIKey != "key" {
				t.Errorf("TLS %v key %q", c.TemporalTLS, c.TemporalAPIKey)
			}
		}},
		{name: "ErrTemporalCertWithoutKey", env: map[string]string{"TEMPORAL_ADDRESS": "t:7233", "TEMPORAL_TLS_CERT": "/c.pem"}, wantErr: "TEMPORAL_TLS_KEY"},
		{name: "ErrTemporalTLSEmbedded", env: map[string]string{"TEMPORAL_TLS": "true"}, wantErr: "TEMPORAL_ADDRESS"},
		{name: "TrustedProxies", env: map[string]string{"RECTIFY_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"}, check: func(t *testing.T, c Config) {
			if len(c.TrustedProxies) != 2 || c.TrustedProxies[0] != "10.0.0.0/8" || c.TrustedProxies[1] != "192.0.2.1" {
				t.Errorf("TrustedProxies = %q", c.TrustedProxies)
			}
		}},
		{name: "ErrTrustedProxies", env: map[string]string{"RECTIFY_TRUSTED_PROXIES": "nginx"}, wantErr: "RECTIFY_TRUSTED_PROXIES"},
		{name: "WorkflowCache", env: map[string]string{"RECTIFY_WORKFLOW_CACHE": "5000"}, check: func(t *testing.T, c Config) {
			if c.WorkflowCacheSize != 5000 {
				t.Errorf("WorkflowCacheSize = %d", c.WorkflowCacheSize)
			}
		}},
		{name: "ErrWorkflowCache", env: map[string]string{"RECTIFY_WORKFLOW_CACHE": "1"}, wantErr: "RECTIFY_WORKFLOW_CACHE"},
		{name: "ErrMissingSecretFile", env: map[string]string{"DATABASE_URL_FILE": filepath.Join(dir, "absent")}, wantErr: "DATABASE_URL_FILE"},
		{name: "ErrTokenTTL", env: map[string]string{"RECTIFY_TOKEN_TTL": "soon"}, wantErr: "RECTIFY_TOKEN_TTL"},
		{name: "ErrTemporalPort", env: map[string]string{"RECTIFY_TEMPORAL_PORT": "70000"}, wantErr: "RECTIFY_TEMPORAL_PORT"},
		{name: "ErrEvidenceSize", env: map[string]string{"RECTIFY_EVIDENCE_MAX_MB": "0"}, wantErr: "RECTIFY_EVIDENCE_MAX_MB"},
		{name: "ErrSMTPWithoutFrom", env: map[string]string{"SMTP_HOST": "mail"}, wantErr: "SMTP_FROM"},
		{name: "ErrWebhookFormat", env: map[string]string{"WEBHOOK_FORMAT": "slack"}, wantErr: "WEBHOOK_FORMAT"},
		{name: "ErrLogFormat", env: map[string]string{"RECTIFY_LOG_FORMAT": "xml"}, wantErr: "RECTIFY_LOG_FORMAT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load = %v, want an error naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// TestLogValueMasksSecrets logs a configuration full of secrets and looks
// for each of them in the output.
func TestLogValueMasksSecrets(t *testing.T) {
	secrets := map[string]string{
		"DATABASE_URL":           "postgres://rectify:db-pass-123@db:5432/rectify",
		"RECTIFY_ADMIN_PASSWORD": "admin-pass-123",
		"RECTIFY_DEMO_PASSWORD":  "demo-pass-123",
		"SMTP_HOST":              "mail", "SMTP_FROM": "a@b.c",
		"SMTP_PASSWORD":         "smtp-pass-123",
		"WEBHOOK_URL":           "https://oapi.example/robot/send?access_token=hook-token-123",
		"WEBHOOK_SECRET":        "hook-secret-123",
		"RECTIFY_S3_SECRET_KEY": "s3-secret-123",
		"RECTIFY_METRICS_TOKEN": "metrics-token-123",
	}
	c, err := Load(env(secrets))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	slog.New(slog.NewJSONHandler(&out, nil)).Info("starting", slog.Any("config", c))
	for _, leaked := range []string{"db-pass-123", "admin-pass-123", "demo-pass-123", "smtp-pass-123", "hook-token-123", "hook-secret-123", "s3-secret-123", "metrics-token-123"} {
		if strings.Contains(out.String(), leaked) {
			t.Errorf("the config dump shows %q: %s", leaked, out.String())
		}
	}
	if !strings.Contains(out.String(), "db:5432") {
		t.Errorf("the config dump lost the database host: %s", out.String())
	}
}
