package domain_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

var flagT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func closureEvent(action domain.Action, seq int64, at time.Time, refs ...domain.EvidenceRef) domain.Event {
	payload, _ := json.Marshal(map[string]any{"evidence": refs})
	return domain.Event{ProblemID: 1, Seq: seq, Action: action, At: at, Payload: payload, ActorName: "sup"}
}

func files(n int, withSHA bool) []domain.EvidenceRef {
	out := make([]domain.EvidenceRef, n)
	for i := range out {
		out[i] = domain.EvidenceRef{ID: int64(i + 1), MeasureID: 1}
		if withSHA {
			out[i].SHA256 = fmt.Sprintf("%064d", i+1)
		}
	}
	return out
}

func flagProblem() domain.Problem {
	return domain.Problem{ID: 1, CampaignID: 2, Stage: domain.StageVerify, Measures: []domain.Measure{{ID: 1, Kind: domain.KindDeadline}}}
}

// Each rule raises its flag on the records that show it, and a near miss
// does not.
func TestComputeFlags(t *testing.T) {
	day := 24 * time.Hour
	request := flagT0.Add(60 * day)
	planned := []domain.Event{{Seq: 2, Action: domain.ActionApprovePlan, At: flagT0}}
	lastMinute := func(uploadBefore time.Duration, reportAt time.Time) domain.FlagInput {
		in := domain.FlagInput{Problem: flagProblem(),
			Evidence: []domain.Evidence{{ID: 5, ProblemID: 1, MeasureID: 1, SHA256: "aa", CreatedAt: request.Add(-uploadBefore)}},
			Events:   append(planned, closureEvent(domain.ActionRequestClosure, 9, request, domain.EvidenceRef{ID: 5, MeasureID: 1, SHA256: "aa"})),
		}
		if !reportAt.IsZero() {
			in.Progress = []domain.FlagProgress{{Seq: 4, MeasureID: 1, Percent: pct(50), At: reportAt}}
		}
		return in
	}
	own := []domain.Evidence{{ID: 10, ProblemID: 1, MeasureID: 1, UnitID: 7, SHA256: "ab", Title: "会议纪要", CreatedAt: flagT0}}
	approval := func(took time.Duration, n int) domain.FlagInput {
		return domain.FlagInput{Problem: flagProblem(), Events: []domain.Event{
			closureEvent(domain.ActionRequestClosure, 8, request, files(n, true)...),
			closureEvent(domain.ActionApproveClosure, 9, request.Add(took), files(n, true)...),
		}}
	}
	cases := []struct {
		name string
		in   domain.FlagInput
		want domain.FlagKind // "" for none
	}{
		{"EvidenceReused/OtherProblem", domain.FlagInput{Problem: flagProblem(), Evidence: own,
			Reused: []domain.EvidenceMatch{{EvidenceID: 10, OtherEvidenceID: 3, OtherProblemID: 4, OtherUnitID: 7, OtherCampaignID: 2}}}, domain.FlagEvidenceReused},
		{"EvidenceReused/EarlierCampaign", domain.FlagInput{Problem: flagProblem(), Evidence: own,
			Reused: []domain.EvidenceMatch{{EvidenceID: 10, OtherEvidenceID: 3, OtherProblemID: 40, OtherUnitID: 7, OtherCampaignID: 1}}}, domain.FlagEvidenceReused},
		{"EvidenceReused/OtherUnitSameProblem", domain.FlagInput{Problem: flagProblem(), Evidence: own,
			Reused: []domain.EvidenceMatch{{EvidenceID: 10, OtherEvidenceID: 3, OtherProblemID: 1, OtherUnitID: 8, OtherCampaignID: 2}}}, domain.FlagEvidenceReused},
		{"EvidenceReused/NearMissSameUnitSameProblem", domain.FlagInput{Problem: flagProblem(), Evidence: own,
			Reused: []domain.EvidenceMatch{{EvidenceID: 10, OtherEvidenceID: 3, OtherProblemID: 1, OtherUnitID: 7, OtherCampaignID: 2}}}, ""},
		{"EvidenceReused/NearMissOtherIsLater", domain.FlagInput{Problem: flagProblem(), Evidence: own,
			Reused: []domain.EvidenceMatch{{EvidenceID: 10, OtherEvidenceID: 30, OtherProblemID: 4, OtherUnitID: 7, OtherCampaignID: 2}}}, ""},

		{"EvidenceLastMinute", lastMinute(2*time.Hour, flagT0.Add(5*day)), domain.FlagEvidenceLastMinute},
		{"EvidenceLastMinute/NoReportAtAll", lastMinute(2*time.Hour, time.Time{}), domain.FlagEvidenceLastMinute},
		{"EvidenceLastMinute/NearMissRecentReport", lastMinute(2*time.Hour, request.Add(-20*day)), ""},
		{"EvidenceLastMinute/NearMissUploadedEarlier", lastMinute(25*time.Hour, flagT0.Add(5*day)), ""},

		{"TextOnlyClosure", domain.FlagInput{Problem: flagProblem(), Events: []domain.Event{
			closureEvent(domain.ActionRequestClosure, 9, request, domain.EvidenceRef{ID: 5, MeasureID: 1})}}, domain.FlagTextOnlyClosure},
		{"TextOnlyClosure/NearMissOneFile", domain.FlagInput{Problem: flagProblem(), Events: []domain.Event{
			closureEvent(domain.ActionRequestClosure, 9, request, domain.EvidenceRef{ID: 5, MeasureID: 1}, domain.EvidenceRef{ID: 6, MeasureID: 1, SHA256: "cc"})}}, ""},

		{"ProgressJump", domain.FlagInput{Problem: flagProblem(), Progress: []domain.FlagProgress{
			{Seq: 3, MeasureID: 1, Percent: pct(0), At: flagT0}, {Seq: 4, MeasureID: 1, Percent: pct(100), At: flagT0.Add(day)}}}, domain.FlagProgressJump},
		{"ProgressJump/NearMissSteps", domain.FlagInput{Problem: flagProblem(), Progress: []domain.FlagProgress{
			{Seq: 3, MeasureID: 1, Percent: pct(10), At: flagT0}, {Seq: 4, MeasureID: 1, Percent: pct(100), At: flagT0.Add(day)}}}, ""},

		{"QuickApproval", approval(90*time.Second, 4), domain.FlagQuickApproval},
		{"QuickApproval/NearMissSlower", approval(3*time.Minute, 4), ""},
		{"QuickApproval/NearMissFewFiles", approval(30*time.Second, 3), ""},

		{"CopiedText", domain.FlagInput{Problem: flagProblem(), Copied: []domain.TextMatch{{Source: "progress:4", OtherProblemID: 9, Similarity: 0.93}}}, domain.FlagCopiedText},
		{"CopiedText/NearMissLessSimilar", domain.FlagInput{Problem: flagProblem(), Copied: []domain.TextMatch{{Source: "progress:4", OtherProblemID: 9, Similarity: 0.85}}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := domain.ComputeFlags(tc.in, domain.FlagPolicy{})
			var kinds []domain.FlagKind
			for _, f := range got {
				kinds = append(kinds, f.Kind)
				if f.ProblemID != 1 || f.CampaignID != 2 || f.Subject == "" || f.Refs.ProblemID != 1 {
					t.Errorf("flag %+v lacks its problem or subject", f)
				}
			}
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("flags %v, want none", kinds)
			case tc.want != "" && (len(got) != 1 || got[0].Kind != tc.want):
				t.Errorf("flags %v, want one %s", kinds, tc.want)
			}
		})
	}
}

func TestComputeFlagsThresholdsFromPolicy(t *testing.T) {
	in := domain.FlagInput{Problem: flagProblem(), Copied: []domain.TextMatch{{Source: "progress:4", OtherProblemID: 9, Similarity: 0.85}}}
	if got := domain.ComputeFlags(in, domain.FlagPolicy{CopiedSimilarity: 80}); len(got) != 1 {
		t.Errorf("at 80%% the copy is flagged: got %d flags", len(got))
	}
}

func TestTextSimilarity(t *testing.T) {
	base := "已召开专题会议研究部署整改工作，修订完善财务管理制度3项，对相关责任人进行了约谈提醒，整改工作取得阶段性成效。"
	cases := []struct {
		name     string
		a, b     string
		min, max float64
	}{
		{"Identical", base, base, 1, 1},
		{"Repunctuated", base, strings.ReplaceAll(base, "，", " "), 1, 1},
		{"OneFigureChanged", base, strings.Replace(base, "3项", "4项", 1), 0.85, 0.99},
		{"Different", base, "本单位按照巡视组反馈意见，建立问题清单和责任清单，逐项推进落实，定期调度进展情况。", 0, 0.2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := domain.Jaccard(domain.Shingles(tc.a), domain.Shingles(tc.b))
			if s < tc.min || s > tc.max {
				t.Errorf("similarity %.3f, want within [%.2f, %.2f]", s, tc.min, tc.max)
			}
		})
	}
	t.Run("BandsOfACopyMeet", func(t *testing.T) {
		a, b := domain.TextBands(domain.Shingles(base)), domain.TextBands(domain.Shingles(strings.Replace(base, "3项", "4项", 1)))
		shared := 0
		for i := range a {
			if a[i] == b[i] {
				shared++
			}
		}
		if len(a) != domain.BandCount || shared == 0 {
			t.Errorf("bands %v and %v share none", a, b)
		}
	})
}

func TestFlagPolicyJSON(t *testing.T) {
	var p domain.Policy
	if err := json.Unmarshal([]byte(`{"flags":{"last_minute_window":"48h","copied_similarity":85}}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.Flags.LastMinuteWindow != 48*time.Hour || p.Flags.CopiedSimilarity != 85 {
		t.Errorf("flags %+v", p.Flags)
	}
	b, _ := json.Marshal(domain.Policy{WarningWindow: time.Hour})
	if strings.Contains(string(b), "flags") {
		t.Errorf("unset flags are written: %s", b)
	}
	if err := (domain.Policy{Flags: domain.FlagPolicy{CopiedSimilarity: 120}}).Validate(); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("similarity 120%%: err = %v", err)
	}
}
