package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	sdklog "go.temporal.io/sdk/log"
)

// TestLevelFilter: the SDK's own info lines stay out of the log, while
// workflow and activity lines that name a request pass at info.
func TestLevelFilter(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  func(sdklog.Logger)
		want bool
	}{
		{"SDKInfo", func(l sdklog.Logger) { l.Info("poll", "TaskQueue", "q") }, false},
		{"SDKWarn", func(l sdklog.Logger) { l.Warn("retrying", "TaskQueue", "q") }, true},
		{"InfoWithRequestID", func(l sdklog.Logger) { l.Info("decision applied", "request_id", "r1") }, true},
		{"InfoWithEmptyRequestID", func(l sdklog.Logger) { l.Info("decision applied", "request_id", "") }, false},
		{"InfoFromTaggedLogger", func(l sdklog.Logger) { sdklog.With(l, "request_id", "r1").Info("notice written") }, true},
		{"DebugWithRequestID", func(l sdklog.Logger) { l.Debug("detail", "request_id", "r1") }, false}, // below the handler's level
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			inner := slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo})
			tc.log(sdklog.NewStructuredLogger(slog.New(&levelFilter{Handler: inner, min: slog.LevelWarn})))
			if got := strings.TrimSpace(out.String()) != ""; got != tc.want {
				t.Errorf("logged %v, want %v: %q", got, tc.want, out.String())
			}
		})
	}
}
