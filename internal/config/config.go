// Package config reads Rectify's settings from the environment once, with
// defaults that run everything on one machine.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// Config is every setting. Flags of the command line override some fields.
type Config struct {
	// Addr is where the HTTP server listens.
	Addr string
	// DataDir holds the embedded Temporal database, the SQLite store and logs.
	DataDir string
	// DatabaseURL selects PostgreSQL; empty means SQLite under DataDir.
	DatabaseURL string
	// TemporalAddress selects a Temporal cluster; empty means embedded.
	TemporalAddress   string
	TemporalNamespace string
	// TemporalPort is the embedded frontend's preferred port on first start
	// (another is chosen if it is taken; 0: any).
	TemporalPort int
	// DemoPassword is the password of every demo user.
	DemoPassword string
	// AdminPassword is the first admin's password on a non-demo start; empty
	// means one is generated and printed once.
	AdminPassword string
	TokenTTL      time.Duration
	// EvidenceMaxBytes bounds one evidence file.
	EvidenceMaxBytes int64
	// S3 stores evidence in an S3-compatible bucket when S3Bucket is set.
	S3Endpoint, S3Region, S3Bucket, S3Prefix, S3AccessKey, S3SecretKey string
	// SMTP sends reminders by email when SMTPHost is set.
	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string
	SMTPFrom     string
	// SMTPTLS is "starttls" (default), "tls" or "none".
	SMTPTLS string
	// WebhookURL receives reminders as JSON POSTs when set.
	WebhookURL    string
	WebhookSecret string
	// WebhookFormat is "json" (default), "dingtalk" or "wecom".
	WebhookFormat string
	// Temporal cluster security (with TemporalAddress): mTLS client
	// certificate and key files, a CA file for the server's certificate, the
	// server name to verify, and an API key (Temporal Cloud). TemporalTLS is
	// set when any of them asks for TLS.
	TemporalTLS                                                           bool
	TemporalTLSCert, TemporalTLSKey, TemporalTLSCA, TemporalTLSServerName string
	TemporalAPIKey                                                        string
	// LogFormat is "text" or "json".
	LogFormat string
	LogLevel  slog.Level
	// MetricsToken, when set, is the bearer token /metrics requires; empty
	// means /metrics answers loopback clients only.
	MetricsToken string
	// ImportConcurrency bounds how many import files are read at once
	// (RECTIFY_IMPORT_CONCURRENCY), each within a fixed memory budget.
	ImportConcurrency int
	// WorkflowCacheSize bounds the open workflows kept in memory, by the
	// worker and by the embedded server each (RECTIFY_WORKFLOW_CACHE).
	WorkflowCacheSize int
	// TrustedProxies are the reverse proxies (IPs or CIDRs) whose
	// X-Forwarded-For names the client; without them the client is the
	// connection's peer. Login limits count per client address.
	TrustedProxies []string
}

// Load reads the environment through getenv.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:              or(getenv("RECTIFY_ADDR"), "127.0.0.1:8080"),
		DataDir:           or(getenv("RECTIFY_DATA_DIR"), "./data"),
		TemporalAddress:   getenv("TEMPORAL_ADDRESS"),
		TemporalNamespace: or(getenv("TEMPORAL_NAMESPACE"), "rectify"),
		DemoPassword:      or(getenv("RECTIFY_DEMO_PASSWORD"), "demo"),
		AdminPassword:     getenv("RECTIFY_ADMIN_PASSWORD"),
		LogFormat:         or(getenv("RECTIFY_LOG_FORMAT"), "text"),
		TokenTTL:          12 * time.Hour,
		EvidenceMaxBytes:  domain.DefaultEvidenceMaxBytes,
		S3Endpoint:        getenv("RECTIFY_S3_ENDPOINT"),
		S3Region:          getenv("RECTIFY_S3_REGION"),
		S3Bucket:          getenv("RECTIFY_S3_BUCKET"),
		S3Prefix:          getenv("RECTIFY_S3_PREFIX"),
		S3AccessKey:       getenv("RECTIFY_S3_ACCESS_KEY"),
		SMTPHost:          getenv("SMTP_HOST"),
		SMTPPort:          587,
		SMTPUsername:      getenv("SMTP_USERNAME"),
		SMTPFrom:          getenv("SMTP_FROM"),
		SMTPTLS:           or(getenv("SMTP_TLS"), "starttls"),
		WebhookURL:        getenv("WEBHOOK_URL"),
		WebhookFormat:     or(getenv("WEBHOOK_FORMAT"), "json"),
		// Temporal's usual port, if free, so its CLI and UI find the
		// embedded server without flags.
		TemporalPort: 7233,
	}
	if v := getenv("RECTIFY_TOKEN_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("RECTIFY_TOKEN_TTL: %q is not a positive duration such as 12h", v)
		}
		c.TokenTTL = d
	}
	c.WorkflowCacheSize = 1000
	if v := getenv("RECTIFY_WORKFLOW_CACHE"); v != "" {
		if _, err := fmt.Sscan(v, &c.WorkflowCacheSize); err != nil || c.WorkflowCacheSize < 10 || c.WorkflowCacheSize > 1_000_000 {
			return Config{}, fmt.Errorf("RECTIFY_WORKFLOW_CACHE: %q is not a number of workflows between 10 and 1000000", v)
		}
	}
	c.ImportConcurrency = 2
	if v := getenv("RECTIFY_IMPORT_CONCURRENCY"); v != "" {
		if _, err := fmt.Sscan(v, &c.ImportConcurrency); err != nil || c.ImportConcurrency < 1 || c.ImportConcurrency > 64 {
			return Config{}, fmt.Errorf("RECTIFY_IMPORT_CONCURRENCY: %q is not a number of imports between 1 and 64", v)
		}
	}
	if v := getenv("RECTIFY_TEMPORAL_PORT"); v != "" {
		if _, err := fmt.Sscan(v, &c.TemporalPort); err != nil || c.TemporalPort < 0 || c.TemporalPort > 65535 {
			return Config{}, fmt.Errorf("RECTIFY_TEMPORAL_PORT: %q is not a port", v)
		}
	}
	if v := getenv("RECTIFY_EVIDENCE_MAX_MB"); v != "" {
		var mb int64
		if _, err := fmt.Sscan(v, &mb); err != nil || mb <= 0 || mb > 10<<10 {
			return Config{}, fmt.Errorf("RECTIFY_EVIDENCE_MAX_MB: %q is not a size in MB between 1 and 10240", v)
		}
		c.EvidenceMaxBytes = mb << 20
	}
	var err error
	// The URL carries the database password, so it may come from a file.
	if c.DatabaseURL, err = secret(getenv, "DATABASE_URL"); err != nil {
		return Config{}, err
	}
	if c.TemporalAPIKey, err = secret(getenv, "TEMPORAL_API_KEY"); err != nil {
		return Config{}, err
	}
	c.TemporalTLSCert, c.TemporalTLSKey = getenv("TEMPORAL_TLS_CERT"), getenv("TEMPORAL_TLS_KEY")
	c.TemporalTLSCA, c.TemporalTLSServerName = getenv("TEMPORAL_TLS_CA"), getenv("TEMPORAL_TLS_SERVER_NAME")
	c.TemporalTLS = getenv("TEMPORAL_TLS") == "true" || c.TemporalTLSCert != "" || c.TemporalTLSCA != "" || c.TemporalAPIKey != ""
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		return Config{}, fmt.Errorf("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (a client certificate and its key)")
	}
	if c.TemporalTLS && c.TemporalAddress == "" {
		return Config{}, fmt.Errorf("TEMPORAL_TLS_*, TEMPORAL_API_KEY need TEMPORAL_ADDRESS: the embedded server listens on loopback without TLS")
	}
	if c.SMTPPassword, err = secret(getenv, "SMTP_PASSWORD"); err != nil {
		return Config{}, err
	}
	if c.WebhookSecret, err = secret(getenv, "WEBHOOK_SECRET"); err != nil {
		return Config{}, err
	}
	if c.S3SecretKey, err = secret(getenv, "RECTIFY_S3_SECRET_KEY"); err != nil {
		return Config{}, err
	}
	for _, p := range strings.Split(getenv("RECTIFY_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return Config{}, fmt.Errorf("RECTIFY_TRUSTED_PROXIES: %q is not an IP address or CIDR", p)
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	if c.MetricsToken, err = secret(getenv, "RECTIFY_METRICS_TOKEN"); err != nil {
		return Config{}, err
	}
	if v := getenv("SMTP_PORT"); v != "" {
		if _, err := fmt.Sscan(v, &c.SMTPPort); err != nil || c.SMTPPort <= 0 || c.SMTPPort > 65535 {
			return Config{}, fmt.Errorf("SMTP_PORT: %q is not a port", v)
		}
	}
	switch c.SMTPTLS {
	case "starttls", "tls", "none":
	default:
		return Config{}, fmt.Errorf("SMTP_TLS: %q is not starttls, tls or none", c.SMTPTLS)
	}
	switch c.WebhookFormat {
	case "json", "dingtalk", "wecom":
	default:
		return Config{}, fmt.Errorf("WEBHOOK_FORMAT: %q is not json, dingtalk or wecom", c.WebhookFormat)
	}
	if c.SMTPHost != "" && c.SMTPFrom == "" {
		return Config{}, fmt.Errorf("SMTP_FROM is required with SMTP_HOST")
	}
	if v := getenv("RECTIFY_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return Config{}, fmt.Errorf("RECTIFY_LOG_LEVEL: %q is not debug, info, warn or error", v)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return Config{}, fmt.Errorf("RECTIFY_LOG_FORMAT: %q is not text or json", c.LogFormat)
	}
	return c, nil
}

// secret reads NAME, or the file named by NAME_FILE (for Docker and
// Kubernetes secrets), so no secret has to sit in the environment listing.
func secret(getenv func(string) string, name string) (string, error) {
	if path := getenv(name + "_FILE"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimSpace(string(data)), nil
	}
	return getenv(name), nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// EmbeddedTemporal reports whether to run the Temporal server in-process.
func (c Config) EmbeddedTemporal() bool { return c.TemporalAddress == "" }

// SQLitePath is the store's file when no DatabaseURL is set.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "rectify.db") }

// EvidenceDir holds the evidence files, by content hash.
func (c Config) EvidenceDir() string { return filepath.Join(c.DataDir, "evidence") }

// TemporalDir is the embedded server's directory.
func (c Config) TemporalDir() string { return filepath.Join(c.DataDir, "temporal") }

// LogValue prints the configuration with secrets masked.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("database", MaskURL(c.DatabaseURL)),
		slog.String("temporal_address", or(c.TemporalAddress, "embedded")),
		slog.String("temporal_namespace", c.TemporalNamespace),
		slog.Bool("temporal_tls", c.TemporalTLS),
		slog.String("temporal_tls_cert", c.TemporalTLSCert),
		slog.String("temporal_api_key", mask(c.TemporalAPIKey)),
		slog.String("demo_password", mask(c.DemoPassword)),
		slog.String("admin_password", mask(c.AdminPassword)),
		slog.Duration("token_ttl", c.TokenTTL),
		slog.String("smtp", c.SMTPFrom+" via "+or(c.SMTPHost, "(off)")),
		slog.String("smtp_password", mask(c.SMTPPassword)),
		slog.String("webhook", maskWebhook(c.WebhookURL)),
		slog.String("webhook_secret", mask(c.WebhookSecret)),
		slog.String("evidence_store", or(c.S3Bucket, "local")),
		slog.String("s3_secret_key", mask(c.S3SecretKey)),
		slog.String("metrics_token", mask(c.MetricsToken)),
		slog.Int("workflow_cache", c.WorkflowCacheSize),
	)
}

// maskWebhook shows only the host: robot URLs carry their token in the query.
func maskWebhook(raw string) string {
	if raw == "" {
		return "(off)"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "***"
	}
	return u.Scheme + "://" + u.Host + "/***"
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "***"
}

// MaskURL hides the password of a database URL (or a key=value DSN).
func MaskURL(raw string) string {
	if raw == "" {
		return "sqlite"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "***" // a key=value DSN may hold password=…; show nothing
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "***")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
