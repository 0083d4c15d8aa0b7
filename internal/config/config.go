// Package config reads Rectify's settings from the environment once, with
// defaults that run everything on one machine.
package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"time"
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
	// LogFormat is "text" or "json".
	LogFormat string
	LogLevel  slog.Level
}

// Load reads the environment through getenv.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:              or(getenv("RECTIFY_ADDR"), "127.0.0.1:8080"),
		DataDir:           or(getenv("RECTIFY_DATA_DIR"), "./data"),
		DatabaseURL:       getenv("DATABASE_URL"),
		TemporalAddress:   getenv("TEMPORAL_ADDRESS"),
		TemporalNamespace: or(getenv("TEMPORAL_NAMESPACE"), "rectify"),
		DemoPassword:      or(getenv("RECTIFY_DEMO_PASSWORD"), "demo"),
		AdminPassword:     getenv("RECTIFY_ADMIN_PASSWORD"),
		LogFormat:         or(getenv("RECTIFY_LOG_FORMAT"), "text"),
		TokenTTL:          12 * time.Hour,
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
	if v := getenv("RECTIFY_TEMPORAL_PORT"); v != "" {
		if _, err := fmt.Sscan(v, &c.TemporalPort); err != nil || c.TemporalPort < 0 || c.TemporalPort > 65535 {
			return Config{}, fmt.Errorf("RECTIFY_TEMPORAL_PORT: %q is not a port", v)
		}
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
		slog.String("demo_password", mask(c.DemoPassword)),
		slog.String("admin_password", mask(c.AdminPassword)),
		slog.Duration("token_ttl", c.TokenTTL),
	)
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
