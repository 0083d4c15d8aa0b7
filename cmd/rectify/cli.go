package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
)

// usageError is a command line that cannot be run as given: an unknown
// command, flag or argument. It exits 2, as the flag package's own
// commands do; a failure of a command that did run exits 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usageErrorf is a usageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// parseFlags parses args into fs: asked for help it has printed the usage
// and answers flag.ErrHelp (exit 0); a flag it does not know is a
// usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// wantsHelp reports whether args ask for a command's usage, which then
// goes to standard output like any answer.
func wantsHelp(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "-help" || a == "--help" })
}

// exitStatus is the process's exit status after run returned err.
func exitStatus(err error) int {
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		return 2
	}
	return 1
}

// printVersion writes what this binary is: its version and commit as the
// Go toolchain recorded them, and the Go and Temporal versions it was built
// with.
func printVersion(w io.Writer) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(w, "rectify (no build information)")
		return
	}
	version, commit, when, modified := info.Main.Version, "unknown", "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.time":
			when = ", " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", with uncommitted changes"
			}
		}
	}
	fmt.Fprintf(w, "rectify %s (commit %s%s%s)\n", version, commit, when, modified)
	fmt.Fprintf(w, "go %s\n", info.GoVersion)
	deps := map[string]string{}
	for _, d := range info.Deps {
		deps[d.Path] = d.Version
	}
	fmt.Fprintf(w, "temporal sdk %s, embedded server %s\n", or(deps["go.temporal.io/sdk"], "unknown"), or(deps["go.temporal.io/server"], "unknown"))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
