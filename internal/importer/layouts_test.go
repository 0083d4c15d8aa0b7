package importer_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/rectify/rectify/internal/importer"
)

var update = flag.Bool("update", false, "rewrite the expected JSON of testdata/layouts")

// dryRun is what a dry run's JSON says of a file (the service adds what
// it would create and skip).
type dryRun struct {
	Problems []importer.Problem `json:"problems"`
	Groups   []importer.Group   `json:"groups"`
	Summary  any                `json:"summary"`
	Warnings []string           `json:"warnings"`
}

// TestLayouts reads every report layout under testdata/layouts, each
// written by us in one of the styles published reports use, and compares
// what a dry run finds with the expected JSON beside it. Each text layout
// is also read saved as GB18030 (GBK) and, as a .docx, from its lines.
func TestLayouts(t *testing.T) {
	files, err := filepath.Glob("testdata/layouts/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".json") {
			continue
		}
		n++
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		golden := strings.TrimSuffix(file, filepath.Ext(file)) + ".json"
		name := filepath.Base(file)
		variants := []struct {
			name, file string
			data       []byte
		}{{name, name, data}}
		if filepath.Ext(file) == ".txt" {
			gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(data)
			if err != nil {
				t.Fatal(err)
			}
			variants = append(variants,
				struct {
					name, file string
					data       []byte
				}{name + "/gbk", "report.txt", gbk},
				struct {
					name, file string
					data       []byte
				}{name + "/bom", "report.txt", append([]byte("\xEF\xBB\xBF"), data...)},
				struct {
					name, file string
					data       []byte
				}{name + "/docx", "report.docx", docx(t, string(data))},
			)
		}
		for _, v := range variants {
			t.Run(v.name, func(t *testing.T) {
				plan, err := importer.Read(v.file, bytes.NewReader(v.data), now)
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				got, err := json.MarshalIndent(dryRun{plan.Problems, plan.Groups, plan.Summary, plan.Warnings}, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, '\n')
				if *update && v.name == name {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("no expected JSON (run with -update and check it by eye): %v", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("dry run of %s differs from %s:\n%s", v.name, golden, got)
				}
			})
		}
	}
	if n < 12 {
		t.Errorf("%d layouts, want at least 12", n)
	}
}
