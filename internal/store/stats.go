package store

import (
	"context"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// CampaignStats returns a campaign's dashboard figures at now: one pass
// over the campaign's problems (stages, lights), one over their measures
// (stages, extensions), and the overdue ranking. At 10,000 problems and
// 40,000 measures each pass is a scan or a join of the whole campaign, so
// the number of passes is the cost (rectify bench --reads): this was seven.
func (s *Store) CampaignStats(ctx context.Context, campaignID int64, now time.Time) (domain.CampaignStats, error) {
	db := s.reader(ctx)
	var campaign campaignRow
	if err := db.Select("id").Take(&campaign, campaignID).Error; err != nil {
		return domain.CampaignStats{}, notFound(err, "campaign %d not found", campaignID)
	}
	st := domain.CampaignStats{
		CampaignID: campaignID, ProblemsByStage: map[domain.Stage]int{}, MeasuresByStage: map[domain.Stage]int{},
		ByLight:        map[domain.Light]int{domain.LightRed: 0, domain.LightYellow: 0, domain.LightGreen: 0},
		OverduePerUnit: []domain.UnitOverdue{},
	}
	for _, stage := range domain.AllStages() {
		st.ProblemsByStage[stage], st.MeasuresByStage[stage] = 0, 0
	}

	// Problems per stage and light; each CASE is the condition the list
	// filters by (dashboard.go). yellow_at and red_at are stored in UTC.
	utc := now.UTC()
	var problems []struct {
		Stage                 string
		N, Red, Yellow, Green int
	}
	if err := db.Model(&problemRow{}).Select("stage, count(*) AS n, "+
		"COALESCE(SUM(CASE WHEN red_at <= ? THEN 1 ELSE 0 END), 0) AS red, "+
		"COALESCE(SUM(CASE WHEN yellow_at <= ? AND (red_at IS NULL OR red_at > ?) THEN 1 ELSE 0 END), 0) AS yellow, "+
		"COALESCE(SUM(CASE WHEN yellow_at IS NULL OR yellow_at > ? THEN 1 ELSE 0 END), 0) AS green", utc, utc, utc, utc).
		Where("campaign_id = ?", campaignID).Group("stage").Scan(&problems).Error; err != nil {
		return st, err
	}
	for _, p := range problems {
		st.ProblemsByStage[domain.Stage(p.Stage)] = p.N
		st.Problems += p.N
		st.ByLight[domain.LightRed] += p.Red
		st.ByLight[domain.LightYellow] += p.Yellow
		st.ByLight[domain.LightGreen] += p.Green
	}
	if st.Problems > 0 {
		st.CompletionRate = float64(st.ProblemsByStage[domain.StageClosed]) / float64(st.Problems)
	}

	// Measures per stage and extensions granted in one pass over the
	// campaign's measures.
	var measures []struct {
		Stage      string
		N, Granted int
	}
	if err := db.Table("measures").Select("problems.stage AS stage, count(*) AS n, COALESCE(SUM(measures.extension_count), 0) AS granted").
		Joins("JOIN problems ON problems.id = measures.problem_id").
		Where("problems.campaign_id = ?", campaignID).Group("problems.stage").Scan(&measures).Error; err != nil {
		return st, err
	}
	for _, m := range measures {
		st.MeasuresByStage[domain.Stage(m.Stage)] = m.N
		st.Measures += m.N
		st.ExtensionsGranted += m.Granted
	}
	// The overdue ranking on its own: folding it into the pass above
	// (grouping by stage and unit) measured slower on SQLite, which sorts
	// every measure for the grouping, while this one filters first.
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
	var err error
	st.Outcomes, err = s.OutcomeTotals(ctx, campaignID)
	return st, err
}
