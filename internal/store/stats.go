package store

import (
	"context"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// CampaignStats returns a campaign's dashboard figures at now.
func (s *Store) CampaignStats(ctx context.Context, campaignID int64, now time.Time) (domain.CampaignStats, error) {
	sum, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return domain.CampaignStats{}, err
	}
	st := domain.CampaignStats{
		CampaignID: campaignID, Problems: sum.ProblemCount, ProblemsByStage: sum.StageCounts,
		MeasuresByStage: map[domain.Stage]int{}, ByLight: map[domain.Light]int{},
		OverduePerUnit: []domain.UnitOverdue{},
	}
	for _, stage := range domain.AllStages() {
		st.MeasuresByStage[stage] = 0
	}
	if st.Problems > 0 {
		st.CompletionRate = float64(sum.StageCounts[domain.StageClosed]) / float64(st.Problems)
	}
	db := s.reader(ctx)
	// Measures per stage and extensions granted come from one pass over the
	// campaign's measures (the join is the costly part of either).
	var byStage []struct {
		Stage   string
		N       int
		Granted int
	}
	if err := db.Table("measures").Select("problems.stage AS stage, count(*) AS n, COALESCE(SUM(measures.extension_count), 0) AS granted").
		Joins("JOIN problems ON problems.id = measures.problem_id").
		Where("problems.campaign_id = ?", campaignID).Group("problems.stage").Scan(&byStage).Error; err != nil {
		return st, err
	}
	for _, r := range byStage {
		st.MeasuresByStage[domain.Stage(r.Stage)] = r.N
		st.Measures += r.N
		st.ExtensionsGranted += r.Granted
	}
	utc := now.UTC()
	// The three lights in one pass over the campaign's problems; each
	// CASE is the condition the list filters by (dashboard.go).
	var lights struct{ Red, Yellow, Green int }
	if err := db.Model(&problemRow{}).Where("campaign_id = ?", campaignID).Select(
		"COALESCE(SUM(CASE WHEN red_at <= ? THEN 1 ELSE 0 END), 0) AS red, "+
			"COALESCE(SUM(CASE WHEN yellow_at <= ? AND (red_at IS NULL OR red_at > ?) THEN 1 ELSE 0 END), 0) AS yellow, "+
			"COALESCE(SUM(CASE WHEN yellow_at IS NULL OR yellow_at > ? THEN 1 ELSE 0 END), 0) AS green",
		utc, utc, utc, utc).Scan(&lights).Error; err != nil {
		return st, err
	}
	st.ByLight[domain.LightRed], st.ByLight[domain.LightYellow], st.ByLight[domain.LightGreen] = lights.Red, lights.Yellow, lights.Green
	today := string(domain.DateOf(now))
	if err := db.Table("measures").
		Select("measures.lead_unit_id AS unit_id, units.name AS unit_name, count(*) AS overdue").
		Joins("JOIN problems ON problems.id = measures.problem_id").
		Joins("JOIN units ON units.id = measures.lead_unit_id").
		Where("problems.campaign_id = ? AND problems.stage NOT IN ?", campaignID, []string{string(domain.StagePlan), string(domain.StageClosed)}).
		Where("measures.completed = ? AND measures.kind <> ? AND measures.deadline <> '' AND measures.deadline < ?", false, string(domain.KindLongTerm), today).
		Group("measures.lead_unit_id, units.name").Order("overdue DESC, unit_id").
		Scan(&st.OverduePerUnit).Error; err != nil {
		return st, err
	}
	st.Outcomes, err = s.OutcomeTotals(ctx, campaignID)
	return st, err
}
