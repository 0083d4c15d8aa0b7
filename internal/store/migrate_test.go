package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestMigrateBackfillsMeasureCounts opens a database made before problems
// carried their measure counts: the migration adds the columns and fills
// them from the measures, so campaign statistics stay right.
func TestMigrateBackfillsMeasureCounts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, "", path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	p := problemRow{CampaignID: 1, Number: 1, Title: "t", Stage: "execute", CreatedAt: now, UpdatedAt: now}
	if err := s.db.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	for i, ext := range []int{0, 2, 1} {
		m := measureRow{ProblemID: p.ID, MeasureID: int64(i + 1), Title: "m", Kind: "deadline", ExtensionCount: ext}
		if err := s.db.Create(&m).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, col := range []string{"MeasureCount", "ExtensionsGranted"} {
		if err := s.db.Migrator().DropColumn(&problemRow{}, col); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, "", path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got problemRow
	if err := s.db.Take(&got, p.ID).Error; err != nil {
		t.Fatal(err)
	}
	if got.MeasureCount != 3 || got.ExtensionsGranted != 3 {
		t.Errorf("after migration: %d measures, %d extensions; want 3 and 3", got.MeasureCount, got.ExtensionsGranted)
	}
}
