package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCommandLine: help answers on standard output and exits 0, a command
// line that cannot run exits 2 with usage, a failed command exits 1.
func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		stdout string
	}{
		{"no command", nil, 2, ""},
		{"help", []string{"--help"}, 0, "usage: rectify <command>"},
		{"help word", []string{"help"}, 0, "version  print the version"},
		{"version", []string{"version"}, 0, "temporal sdk v"},
		{"unknown command", []string{"frobnicate"}, 2, ""},
		{"serve help", []string{"serve", "--help"}, 0, "-demo"},
		{"serve -h", []string{"serve", "-h"}, 0, "-data-dir"},
		{"unknown flag", []string{"serve", "--bogus"}, 2, ""},
		{"stray argument", []string{"serve", "extra"}, 2, ""},
		{"import help", []string{"import", "--help"}, 0, "usage: rectify import"},
		{"report without campaign", []string{"report"}, 2, ""},
		{"audit without verify", []string{"audit", "check"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &stdout, &stderr)
			if got := exitStatus(err); got != tc.status {
				t.Fatalf("exit %d (%v), want %d; stderr:\n%s", got, err, tc.status, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Fatalf("stdout lacks %q:\n%s", tc.stdout, stdout.String())
			}
			if tc.status == 2 && !strings.Contains(stderr.String(), "usage") && !strings.Contains(stderr.String(), "-") {
				t.Errorf("a wrong command line shows no usage:\n%s", stderr.String())
			}
		})
	}
}
