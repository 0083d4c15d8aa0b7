package main

import (
	"bytes"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
)

// TestAuditVerify runs `rectify audit verify` on an intact data directory
// and on one whose event log was edited with SQL.
func TestAuditVerify(t *testing.T) {
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	dbPath := filepath.Join(dir, "rectify.db")
	st, err := store.Open(t.Context(), "", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.CreateCampaign(t.Context(), domain.Campaign{Title: "round one"})
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"first", "second"} {
		if _, err := st.CreateProblem(t.Context(), domain.NewProblem{CampaignID: c.ID, Title: title},
			domain.Actor{UserID: 1, Username: "admin", Role: domain.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"audit", "verify", "--data-dir", dir}, noEnv, &out, &errOut); err != nil {
		t.Fatalf("intact chain: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "intact: 2 events in 1 campaigns") {
		t.Fatalf("output: %s", out.String())
	}

	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), "UPDATE events SET payload = '{}' WHERE seq = 1 AND problem_id = 2"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(t.Context(), []string{"audit", "--data-dir", dir, "verify"}, noEnv, &out, &errOut)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(out.String(), "campaign 1, position 2, event 2") {
		t.Fatalf("edited chain: err %v, output %s", err, out.String())
	}
	if err := run(t.Context(), []string{"audit", "check"}, noEnv, &out, &errOut); err == nil {
		t.Fatal("an unknown subcommand succeeded")
	}
}
