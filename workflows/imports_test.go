package workflows_test

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Workflow code must stay deterministic and free of I/O: it may import only
// a few standard packages, the Temporal workflow API and the domain. The
// domain is shared by everything and imports only the standard library.

var workflowImports = map[string]bool{
	"errors": true, "fmt": true, "time": true, "slices": true, "strings": true, "sort": true, "encoding/json": true,
	"go.temporal.io/sdk/workflow":                true,
	"go.temporal.io/sdk/temporal":                true,
	"github.com/rectify/rectify/internal/domain": true,
}

func TestWorkflowImports(t *testing.T) {
	checkImports(t, ".", func(path string) bool { return workflowImports[path] },
		"workflow code may import only errors, fmt, time, slices, strings, sort, encoding/json, "+
			"go.temporal.io/sdk/workflow, go.temporal.io/sdk/temporal and internal/domain")
}

func TestDomainImports(t *testing.T) {
	checkImports(t, filepath.Join("..", "internal", "domain"), isStandard,
		"the domain may import only the standard library (no gin, gorm, temporal or other module)")
}

// isStandard reports whether path names a standard library package: the
// first element of every other import path holds a dot.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

func TestIsStandard(t *testing.T) {
	for path, want := range map[string]bool{
		"fmt": true, "encoding/json": true, "net/http": true,
		"github.com/gin-gonic/gin": false, "gorm.io/gorm": false, "go.temporal.io/sdk/workflow": false,
	} {
		if isStandard(path) != want {
			t.Errorf("isStandard(%q) = %v", path, !want)
		}
	}
}

// checkImports fails for every import of a non-test Go file in dir that
// allowed refuses.
func checkImports(t *testing.T, dir string, allowed func(string) bool, rule string) {
	t.Helper()
	bad, err := badImports(dir, allowed)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: %s", b, rule)
	}
}

// badImports lists, as "file imports \"path\"", every import of a non-test
// Go file in dir that allowed refuses.
func badImports(dir string, allowed func(string) bool) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var bad []string
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
		checked++
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: bad import %s", file, spec.Path.Value)
			}
			if !allowed(path) {
				bad = append(bad, fmt.Sprintf("%s imports %q", file, path))
			}
		}
	}
	if checked == 0 {
		return nil, fmt.Errorf("no Go files found in %s", dir)
	}
	return bad, nil
}

// TestBadImportsFindsViolations guards the guard.
func TestBadImportsFindsViolations(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"ok.go":      "package x\n\nimport (\n\t\"fmt\"\n\tw \"go.temporal.io/sdk/workflow\"\n)\n",
		"bad.go":     "package x\n\nimport (\n\t\"os\"\n\t\"go.temporal.io/sdk/client\"\n)\n",
		"x_test.go":  "package x\n\nimport \"net/http\"\n",
		"README.txt": "import \"os\"",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad, err := badImports(dir, func(p string) bool { return workflowImports[p] })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(dir, "bad.go") + ` imports "os"`,
		filepath.Join(dir, "bad.go") + ` imports "go.temporal.io/sdk/client"`,
	}
	if !slices.Equal(bad, want) {
		t.Errorf("badImports = %q, want %q", bad, want)
	}
	if _, err := badImports(t.TempDir(), isStandard); err == nil {
		t.Errorf("an empty directory passed")
	}
}
