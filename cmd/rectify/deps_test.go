package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestBinaryLeavesOutBenchmarks keeps the benchmarks (cmd/rectify-bench)
// out of the service's binary.
func TestBinaryLeavesOutBenchmarks(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to list the packages with")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/rectify/rectify/internal/app") {
		t.Fatalf("go list -deps lacks internal/app: %v", deps)
	}
	for _, pkg := range []string{"github.com/rectify/rectify/internal/bench", "github.com/rectify/rectify/internal/store/storetest"} {
		if slices.Contains(deps, pkg) {
			t.Errorf("rectify links %s", pkg)
		}
	}
}
