package store

import (
	"context"
	"math"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// CampaignStats returns a campaign's dashboard figures at now: one pass
// over the campaign's problems (stages, lights), one over their measures
// (stages, extensions), and the overdue ranking. At 10,000 problems and
// 40,000 measures each pass is a scan or a join of the whole campaign, so
// the number of passes is the cost (rectify-bench --reads): this was seven.
func (s *Store) CampaignStats(ctx context.Context, campaignID int64, now time.Time) (domain.CampaignStats, error) {
	db := s.reader(ctx)
	var campaign campaignRow
	if err := db.Select("id").Take(&campaign, campaignID).Error; err != nil {
		return domain.CampaignStats{}, notFound(err, "campaign %d not found", campaignID)
	}
	st := domain.CampaignStats{
		CampaignID: campaignID, ProblemsByStage: map[domain.Stage]int{}, MeasuresByStage: map[domain.Stage]int{},
		ByLight:        map[domain.Light]int{domain.LightRed: 0, domain.LightYellow: 0, domain.LightGreen: 0, domain.LightClosed: 0},
		OverduePerUnit: []domain.UnitOverdue{},
	}
	for _, stage := range domain.AllStages() {
		st.ProblemsByStage[stage], st.MeasuresByStage[stage] = 0, 0
	}

	// Problems per stage and light, and their measures (counted on the
	// problem row as transitions are recorded); each CASE is the condition
	// the list filters by (lightCondition).
	var problems []struct {
		Stage                         string
		N, Red, Yellow, Green, Closed int
		Measures, Granted             int
	}
	sel := "stage, count(*) AS n, COALESCE(SUM(measure_count), 0) AS measures, COALESCE(SUM(extensions_granted), 0) AS granted"
	var args []any
	for _, l := range []domain.Light{domain.LightRed, domain.LightYellow, domain.LightGreen, domain.LightClosed} {
		cond, a := lightCondition(l, now)
		sel += ", COALESCE(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0) AS " + string(l)
		args = append(args, a...)
	}
	if err := db.Model(&problemRow{}).Select(sel, args...).
		Where("campaign_id = ?", campaignID).Group("stage").Scan(&problems).Error; err != nil {
		return st, err
	}
	for _, p := range problems {
		st.ProblemsByStage[domain.Stage(p.Stage)] = p.N
		st.Problems += p.N
		st.ByLight[domain.LightRed] += p.Red
		st.ByLight[domain.LightYellow] += p.Yellow
		st.ByLight[domain.LightGreen] += p.Green
		st.ByLight[domain.LightClosed] += p.Closed
		st.MeasuresByStage[domain.Stage(p.Stage)] = p.Measures
		st.Measures += p.Measures
		st.ExtensionsGranted += p.Granted
	}
	st.CompletionPercent = domain.CompletionPercent(st.ProblemsByStage[domain.StageClosed]+st.ProblemsByStage[domain.StageLookback], st.Problems)
	// Tenths of a percent as a fraction, without float noise (0.026, not 0.026000000000000002).
	st.CompletionRate = math.Round(st.CompletionPercent*10) / 1000

	// Overdue measures per lead unit: the one pass over the measures,
	// filtered before it joins.
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
