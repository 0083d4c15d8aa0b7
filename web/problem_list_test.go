package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rectify/rectify/internal/ledger"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestProblemListColumns: the list sorts by its columns and exports what
// it shows, every page, as xlsx.
func TestProblemListColumns(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	c := browserClient(t)
	login(t, e, c, "leader1")
	base := fmt.Sprintf("%s/problems?campaign_id=%d", e.URL, e.campaign.ID)

	for _, tc := range []struct {
		name, query string
		status      int
		first       string // the title listed first
	}{
		{"by number", "", 200, e.p1.Title},
		{"by number, reversed", "&sort=number&dir=desc", 200, e.p3.Title},
		{"by nearest deadline", "&sort=deadline", 200, e.p1.Title},
		{"unknown order", "&sort=colour", 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, c, base+tc.query)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.first == "" {
				return
			}
			rows := body[strings.Index(body, "<tbody>"):]
			link := strings.Index(rows, `<a href="/problems/`)
			if link < 0 || !strings.HasPrefix(rows[strings.Index(rows[link:], ">")+link+1:], tc.first) {
				t.Fatalf("%q is not listed first", tc.first)
			}
			for _, col := range []string{"最近时限", "进度", "责任领导", "牵头单位"} {
				if !strings.Contains(body, col) {
					t.Errorf("the list lacks the column %s", col)
				}
			}
		})
	}

	resp, body := get(t, c, fmt.Sprintf("%s/problems/export.xlsx?campaign_id=%d&stage=execute", e.URL, e.campaign.ID))
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	must(t, err)
	rows, err := f.GetRows(ledger.SheetLedger)
	must(t, err)
	// The header and one row per measure of the two problems in execute.
	if len(rows) != 3 || !strings.Contains(strings.Join(rows[1], ","), e.p1.Title) || !strings.Contains(strings.Join(rows[2], ","), e.p2.Title) {
		t.Fatalf("exported rows %q", rows)
	}
}
