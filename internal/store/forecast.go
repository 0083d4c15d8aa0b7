package store

import (
	"context"

	"github.com/rectify/rectify/internal/domain"
)

// ProgressPoints returns the percent of every progress report that gave
// one, per problem and measure, for the lateness forecast.
func (s *Store) ProgressPoints(ctx context.Context, problemIDs []int64) (map[int64]map[int64][]domain.ProgressPoint, error) {
	out := map[int64]map[int64][]domain.ProgressPoint{}
	if len(problemIDs) == 0 {
		return out, nil
	}
	var rows []progressRow
	if err := s.reader(ctx).Select("problem_id", "measure_id", "percent", "created_at").
		Where("problem_id IN ? AND percent IS NOT NULL", problemIDs).Order("problem_id, seq").Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		if out[r.ProblemID] == nil {
			out[r.ProblemID] = map[int64][]domain.ProgressPoint{}
		}
		out[r.ProblemID][r.MeasureID] = append(out[r.ProblemID][r.MeasureID], domain.ProgressPoint{At: r.CreatedAt, Percent: *r.Percent})
	}
	return out, nil
}

// ForecastCandidate is an open measure with a deadline and the points of
// its progress reports.
type ForecastCandidate struct {
	Deadline
	Points []domain.ProgressPoint
}

// ForecastCandidates returns a campaign's open measures with a deadline
// (scoped to a unit's problems when visibleToUnit is set) that have at
// least two progress reports with a percent: those a forecast can speak of.
func (s *Store) ForecastCandidates(ctx context.Context, campaignID, visibleToUnit int64) ([]ForecastCandidate, error) {
	var rows []struct {
		ProblemID     int64
		ProblemNumber int
		ProblemTitle  string
		MeasureID     int64
		MeasureTitle  string
		LeadUnitID    int64
		Deadline      string
	}
	reported := s.read.Model(&progressRow{}).Select("problem_id").Where("percent IS NOT NULL").
		Group("problem_id, measure_id").Having("count(*) >= 2")
	db := s.scoped(s.reader(ctx).Table("measures AS m").Joins("JOIN problems AS p ON p.id = m.problem_id"), campaignID, visibleToUnit)
	err := db.Select("m.problem_id AS problem_id, p.number AS problem_number, p.title AS problem_title, "+
		"m.measure_id AS measure_id, m.title AS measure_title, m.lead_unit_id AS lead_unit_id, m.deadline AS deadline").
		Where("m.completed = ? AND m.kind <> ? AND m.deadline <> '' AND p.stage NOT IN ?", false, string(domain.KindLongTerm),
			[]string{string(domain.StageClosed), string(domain.StageLookback), string(domain.StagePlan)}).
		Where("m.problem_id IN (?)", reported).
		Order("m.deadline, m.problem_id, m.measure_id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ProblemID)
	}
	points, err := s.ProgressPoints(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ForecastCandidate, 0, len(rows))
	for _, r := range rows {
		out = append(out, ForecastCandidate{
			Deadline: Deadline{
				ProblemID: r.ProblemID, ProblemNumber: r.ProblemNumber, ProblemTitle: r.ProblemTitle,
				MeasureID: r.MeasureID, MeasureTitle: r.MeasureTitle, LeadUnitID: r.LeadUnitID, Deadline: domain.Date(r.Deadline),
			},
			Points: points[r.ProblemID][r.MeasureID],
		})
	}
	return out, nil
}
