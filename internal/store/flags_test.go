package store_test

import (
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

func flagKinds(flags []domain.Flag) map[domain.FlagKind]int {
	out := map[domain.FlagKind]int{}
	for _, f := range flags {
		out[f.Kind]++
	}
	return out
}

// The store finds reused files by hash and copied texts by band, keeps the
// computed flags idempotently, keeps a dismissal through a recompute and
// drops a flag whose records no longer show it.
func TestRecomputeFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := t.Context()
		p1 := f.toExecute(t, f.problem(t, f.campaign.ID, "one"), "A")
		p2 := f.toExecute(t, f.problem(t, f.campaign.ID, "two"), "B")
		evidence := func(p domain.Problem, unit, sha string) domain.Evidence {
			t.Helper()
			f.tick()
			e, err := s.CreateEvidence(ctx, domain.Evidence{ProblemID: p.ID, MeasureID: 1, Title: "纪要", SHA256: sha, OriginalName: "a.pdf",
				Size: 3, UploadedBy: f.unitUser[unit].UserID, UploaderName: "u", UnitID: f.unit(unit)})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		recompute := func(p domain.Problem) []domain.Flag {
			t.Helper()
			flags, err := s.RecomputeFlags(ctx, p.ID)
			if err != nil {
				t.Fatalf("recompute %d: %v", p.ID, err)
			}
			return flags
		}
		sha := "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
		evidence(p1, "A", sha)
		second := evidence(p2, "B", sha)

		t.Run("EvidenceReused", func(t *testing.T) {
			if got := recompute(p1); len(got) != 0 {
				t.Errorf("the first upload is flagged: %+v", got)
			}
			got := recompute(p2)
			if len(got) != 1 || got[0].Kind != domain.FlagEvidenceReused || got[0].Refs.EvidenceIDs[0] != second.ID ||
				got[0].Refs.OtherProblemIDs[0] != p1.ID || got[0].CampaignID != f.campaign.ID {
				t.Fatalf("flags = %+v", got)
			}
			again := recompute(p2)
			if len(again) != 1 || again[0].ID != got[0].ID {
				t.Errorf("recompute is not idempotent: %+v then %+v", got, again)
			}
		})

		text := "已召开专题会议研究部署整改工作，修订完善财务管理制度三项，对相关责任人进行了约谈提醒，整改工作取得阶段性成效。"
		t.Run("CopiedText", func(t *testing.T) {
			p1 = f.do(t, f.load(t, p1.ID), f.progress("A", 1, text, nil))
			p2 = f.do(t, f.load(t, p2.ID), f.progress("B", 1, text+"下一步继续", nil))
			recompute(p1)
			kinds := flagKinds(recompute(p2))
			if kinds[domain.FlagCopiedText] != 1 {
				t.Errorf("flags = %v, want one copied_text", kinds)
			}
			if kinds := flagKinds(recompute(p1)); kinds[domain.FlagCopiedText] != 0 {
				t.Errorf("the earlier text is flagged: %v", kinds)
			}
		})

		t.Run("DismissedStays", func(t *testing.T) {
			flags, _ := s.ProblemFlags(ctx, p2.ID)
			var reused domain.Flag
			for _, fl := range flags {
				if fl.Kind == domain.FlagEvidenceReused {
					reused = fl
				}
			}
			disc := f.user(t, "disc", domain.RoleDiscipline, "")
			p2 = f.do(t, f.load(t, p2.ID), domain.Command{Action: domain.ActionDismissFlag, Actor: disc, Text: "同一份文件依规共用",
				Flag: &domain.FlagRef{ID: reused.ID, Kind: reused.Kind}})
			got, err := s.Flag(ctx, reused.ID)
			if err != nil || !got.Dismissed || got.DismissedReason != "同一份文件依规共用" || got.DismissedBy != disc.UserID {
				t.Fatalf("dismissed flag = %+v, %v", got, err)
			}
			events, _ := s.Events(ctx, p2.ID)
			if last := events[len(events)-1]; last.Action != domain.ActionDismissFlag || last.Reason != "同一份文件依规共用" {
				t.Errorf("last event = %+v", last)
			}
			// Withdrawn, the reused file no longer shows the flag; dismissed,
			// it stays with its dismissal.
			if err := s.WithdrawEvidence(ctx, second.ID); err != nil {
				t.Fatal(err)
			}
			recompute(p2)
			if got, err := s.Flag(ctx, reused.ID); err != nil || !got.Dismissed {
				t.Errorf("after recompute: %+v, %v", got, err)
			}
		})

		t.Run("GoneUnlessDismissed", func(t *testing.T) {
			p3 := f.toExecute(t, f.problem(t, f.campaign.ID, "three"), "C")
			e := evidence(p3, "C", sha)
			if kinds := flagKinds(recompute(p3)); kinds[domain.FlagEvidenceReused] != 1 {
				t.Fatalf("flags = %v", kinds)
			}
			if err := s.WithdrawEvidence(ctx, e.ID); err != nil {
				t.Fatal(err)
			}
			if got := recompute(p3); len(got) != 0 {
				t.Errorf("a flag whose file is withdrawn stays: %+v", got)
			}
		})

		t.Run("CampaignList", func(t *testing.T) {
			all, total, err := s.CampaignFlags(ctx, store.FlagFilter{CampaignID: f.campaign.ID})
			if err != nil || total != 2 || len(all) != 2 {
				t.Fatalf("campaign flags = %+v, %d, %v", all, total, err)
			}
			reused, total, err := s.CampaignFlags(ctx, store.FlagFilter{CampaignID: f.campaign.ID, Kind: domain.FlagEvidenceReused})
			if err != nil || total != 1 || reused[0].Kind != domain.FlagEvidenceReused {
				t.Errorf("reused = %+v, %d, %v", reused, total, err)
			}
			open, _, _ := s.CampaignFlags(ctx, store.FlagFilter{CampaignID: f.campaign.ID, Open: true})
			if len(open) != 1 || open[0].Kind != domain.FlagCopiedText {
				t.Errorf("open flags = %+v", open)
			}
		})
	})
}
