package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// Reads for the web UI's lists and dashboard. They live in their own file so
// that they grow without touching the write paths in problems.go. Every one
// takes the visibility scope (VisibleToUnit / visibleToUnit) from the
// caller: the service sets it from the user, the store only applies it.

// ProblemQuery is a problem list with a free-text search and an order.
type ProblemQuery struct {
	domain.ProblemFilter
	// Text matches the title, section or description (case-insensitive
	// for ASCII; Chinese has no case).
	Text string
	// OldestFirst orders by last change, oldest first (queues: the problem
	// waiting longest comes first); else by Sort.
	OldestFirst bool
	// Sort orders the list: SortNumber (the default), SortDeadline (the
	// nearest open deadline first, none last), SortUpdated, SortLead; Desc
	// reverses it.
	Sort string
	Desc bool
}

// The orders a problem list can be sorted in.
const (
	SortNumber   = "number"
	SortDeadline = "deadline"
	SortUpdated  = "updated"
	SortLead     = "lead"
)

// MaxSearchText bounds the search text.
const MaxSearchText = 200

// SearchProblems returns a page of problems matching q and the total; it is
// the one query behind every problem list.
func (s *Store) SearchProblems(ctx context.Context, q ProblemQuery) ([]domain.Problem, int64, error) {
	f := q.ProblemFilter
	db := s.reader(ctx).Model(&problemRow{})
	if f.CampaignID != 0 {
		db = db.Where("campaign_id = ?", f.CampaignID)
	}
	if f.Stage != "" {
		db = db.Where("stage = ?", string(f.Stage))
	}
	if f.UnitID != 0 {
		db = db.Where("id IN (?)", s.read.Model(&measureUnitRow{}).Select("problem_id").Where("unit_id = ?", f.UnitID))
	}
	if f.VisibleToUnit != 0 {
		db = db.Where("id IN (?)", s.read.Model(&measureUnitRow{}).Select("problem_id").Where("unit_id = ?", f.VisibleToUnit))
	}
	if f.Light != "" {
		cond, args := lightCondition(f.Light, f.Now)
		db = db.Where(cond, args...)
	}
	if text := strings.TrimSpace(q.Text); text != "" {
		if len([]rune(text)) > MaxSearchText {
			return nil, 0, domain.Errorf(domain.EInvalid, "the search text is at most %d characters", MaxSearchText).WithKey("search_too_long", "max", MaxSearchText).WithField("q")
		}
		like := "%" + escapeLike(strings.ToLower(text)) + "%"
		db = db.Where("(LOWER(title) LIKE ? ESCAPE '\\' OR LOWER(section) LIKE ? ESCAPE '\\' OR LOWER(description) LIKE ? ESCAPE '\\')", like, like, like)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	order := listOrder(q)
	var rows []problemRow
	if err := db.Order(order).Offset(f.Offset).Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	out, err := s.withMeasures(ctx, rows)
	return out, total, err
}

// listOrder is the ORDER BY of a problem list. The nearest open deadline is
// when the problem turns red (red_at), null when none runs.
func listOrder(q ProblemQuery) string {
	if q.OldestFirst {
		return "updated_at, id"
	}
	dir := "ASC"
	if q.Desc {
		dir = "DESC"
	}
	switch q.Sort {
	case SortDeadline:
		// Problems without a running deadline come last either way.
		return "CASE WHEN red_at IS NULL THEN 1 ELSE 0 END, red_at " + dir + ", campaign_id, number"
	case SortUpdated:
		return "updated_at " + dir + ", id " + dir
	case SortLead:
		return "lead_unit_id " + dir + ", campaign_id, number"
	}
	return "campaign_id " + dir + ", number " + dir
}

// lightCondition is domain.ProblemLight in SQL over the problems table, so
// that lists filter and the stats count by the same rule: closed once
// rectified; red, yellow or green only while measures run (domain.Lit).
// yellow_at and red_at are stored in UTC (see optionalTime).
func lightCondition(l domain.Light, now time.Time) (string, []any) {
	rectified := []string{string(domain.StageClosed), string(domain.StageLookback)}
	lit := "stage NOT IN (?, ?, ?) AND measure_count > 0"
	litArgs := []any{string(domain.StagePlan), rectified[0], rectified[1]}
	utc := now.UTC()
	switch l {
	case domain.LightClosed:
		return "stage IN (?, ?)", []any{rectified[0], rectified[1]}
	case domain.LightRed:
		return lit + " AND red_at <= ?", append(litArgs, utc)
	case domain.LightYellow:
		return lit + " AND yellow_at <= ? AND (red_at IS NULL OR red_at > ?)", append(litArgs, utc, utc)
	case domain.LightGreen:
		return lit + " AND (yellow_at IS NULL OR yellow_at > ?)", append(litArgs, utc)
	}
	return "1 = 0", nil
}

// escapeLike makes s match itself literally in a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// withMeasures loads the measures of rows in one query.
func (s *Store) withMeasures(ctx context.Context, rows []problemRow) ([]domain.Problem, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var measures []measureRow
	if len(ids) > 0 {
		if err := s.reader(ctx).Where("problem_id IN ?", ids).Order("problem_id, measure_id").Find(&measures).Error; err != nil {
			return nil, err
		}
	}
	byProblem := map[int64][]measureRow{}
	for _, m := range measures {
		byProblem[m.ProblemID] = append(byProblem[m.ProblemID], m)
	}
	out := make([]domain.Problem, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain(byProblem[r.ID])
	}
	return out, nil
}

// scoped limits a query on problems (aliased p) to a campaign and, when
// visibleToUnit is set, to the problems that unit takes part in.
func (s *Store) scoped(db *gorm.DB, campaignID, visibleToUnit int64) *gorm.DB {
	if campaignID != 0 {
		db = db.Where("p.campaign_id = ?", campaignID)
	}
	if visibleToUnit != 0 {
		db = db.Where("p.id IN (?)", s.read.Model(&measureUnitRow{}).Select("problem_id").Where("unit_id = ?", visibleToUnit))
	}
	return db
}

// StageCounts counts a campaign's problems per stage (every stage present).
func (s *Store) StageCounts(ctx context.Context, campaignID, visibleToUnit int64) (map[domain.Stage]int, error) {
	var counts []struct {
		Stage string
		N     int
	}
	db := s.scoped(s.reader(ctx).Table("problems AS p"), campaignID, visibleToUnit)
	if err := db.Select("p.stage AS stage, count(*) AS n").Group("p.stage").Scan(&counts).Error; err != nil {
		return nil, err
	}
	out := map[domain.Stage]int{}
	for _, st := range domain.AllStages() {
		out[st] = 0
	}
	for _, c := range counts {
		out[domain.Stage(c.Stage)] = c.N
	}
	return out, nil
}

// UnitRow is one unit's line of the dashboard (驾驶舱): the problems it
// leads and co-leads, the measures it leads, and how they stand.
type UnitRow struct {
	UnitID int64
	Name   string
	// Led and CoLed count problems: led as the problem's lead unit, co-led
	// as the lead or co-unit of one of its measures but not its lead unit.
	Led, CoLed int
	// Rectified counts the led problems that are rectified; Red and Yellow
	// the led ones by light (domain.ProblemLight).
	Rectified, Red, Yellow int
	// Measures, Done, Overdue and Extensions count the measures it leads:
	// done (completed, or its problem rectified), past their deadline while
	// open, and extensions granted on them.
	Measures, Done, Overdue, Extensions int
}

// CompletionPercent is the share of its led problems that are rectified.
func (r UnitRow) CompletionPercent() float64 { return domain.CompletionPercent(r.Rectified, r.Led) }

// CompletionText is CompletionPercent as the 通报 writes it.
func (r UnitRow) CompletionText() string { return domain.FormatPercent(r.CompletionPercent()) }

// UnitRows returns the dashboard's per-unit table at now, by unit ID; with
// visibleToUnit set, that unit's row only. Three grouped passes: problems
// by lead unit, co-led problems, measures by lead unit.
func (s *Store) UnitRows(ctx context.Context, campaignID, visibleToUnit int64, now time.Time) ([]UnitRow, error) {
	rows := map[int64]*UnitRow{}
	row := func(id int64) *UnitRow {
		if rows[id] == nil {
			rows[id] = &UnitRow{UnitID: id}
		}
		return rows[id]
	}
	rectified, rectArgs := lightCondition(domain.LightClosed, now)
	red, redArgs := lightCondition(domain.LightRed, now)
	yellow, yellowArgs := lightCondition(domain.LightYellow, now)
	var led []struct {
		UnitID                    int64
		N, Rectified, Red, Yellow int
	}
	db := s.reader(ctx).Model(&problemRow{}).Where("campaign_id = ? AND lead_unit_id <> 0", campaignID)
	if visibleToUnit != 0 {
		db = db.Where("lead_unit_id = ?", visibleToUnit)
	}
	args := append(append(append([]any{}, rectArgs...), redArgs...), yellowArgs...)
	if err := db.Select("lead_unit_id AS unit_id, count(*) AS n, "+
		"SUM(CASE WHEN "+rectified+" THEN 1 ELSE 0 END) AS rectified, "+
		"SUM(CASE WHEN "+red+" THEN 1 ELSE 0 END) AS red, "+
		"SUM(CASE WHEN "+yellow+" THEN 1 ELSE 0 END) AS yellow", args...).
		Group("lead_unit_id").Scan(&led).Error; err != nil {
		return nil, err
	}
	for _, l := range led {
		r := row(l.UnitID)
		r.Led, r.Rectified, r.Red, r.Yellow = l.N, l.Rectified, l.Red, l.Yellow
	}

	var coLed []struct {
		UnitID int64
		N      int
	}
	db = s.reader(ctx).Table("problem_units AS pu").Joins("JOIN problems AS p ON p.id = pu.problem_id").
		Where("p.campaign_id = ? AND p.lead_unit_id <> pu.unit_id", campaignID)
	if visibleToUnit != 0 {
		db = db.Where("pu.unit_id = ?", visibleToUnit)
	}
	if err := db.Select("pu.unit_id AS unit_id, count(DISTINCT pu.problem_id) AS n").Group("pu.unit_id").Scan(&coLed).Error; err != nil {
		return nil, err
	}
	for _, c := range coLed {
		row(c.UnitID).CoLed = c.N
	}

	var measures []struct {
		UnitID                       int64
		N, Done, Overdue, Extensions int
	}
	stages := []string{string(domain.StageClosed), string(domain.StageLookback)}
	running := []string{string(domain.StagePlan), string(domain.StageClosed), string(domain.StageLookback)}
	db = s.reader(ctx).Table("measures AS m").Joins("JOIN problems AS p ON p.id = m.problem_id").Where("p.campaign_id = ?", campaignID)
	if visibleToUnit != 0 {
		db = db.Where("m.lead_unit_id = ?", visibleToUnit)
	}
	if err := db.Select("m.lead_unit_id AS unit_id, count(*) AS n, "+
		"SUM(CASE WHEN m.completed OR p.stage IN ? THEN 1 ELSE 0 END) AS done, "+
		"SUM(CASE WHEN NOT m.completed AND p.stage NOT IN ? AND m.kind <> ? AND m.deadline <> '' AND m.deadline < ? THEN 1 ELSE 0 END) AS overdue, "+
		"COALESCE(SUM(m.extension_count), 0) AS extensions",
		stages, running, string(domain.KindLongTerm), string(domain.DateOf(now))).
		Group("m.lead_unit_id").Scan(&measures).Error; err != nil {
		return nil, err
	}
	for _, m := range measures {
		r := row(m.UnitID)
		r.Measures, r.Done, r.Overdue, r.Extensions = m.N, m.Done, m.Overdue, m.Extensions
	}

	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var units []unitRow
	if err := s.reader(ctx).Where("id IN ?", ids).Find(&units).Error; err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	out := make([]UnitRow, 0, len(ids))
	for _, id := range ids {
		r := *rows[id]
		r.Name = names[id]
		out = append(out, r)
	}
	return out, nil
}

// DayCount is a count on one date (China time).
type DayCount struct {
	Day domain.Date
	N   int
}

// ClosuresPerDay counts approved closures per day since since, from the
// event log, oldest day first. A problem reopened and closed again counts
// on each day it was closed.
func (s *Store) ClosuresPerDay(ctx context.Context, campaignID, visibleToUnit int64, since time.Time) ([]DayCount, error) {
	var ats []time.Time
	db := s.scoped(s.reader(ctx).Table("events AS e").Joins("JOIN problems AS p ON p.id = e.problem_id"), campaignID, visibleToUnit)
	if err := db.Where("e.action = ?", string(domain.ActionApproveClosure)).Pluck("e.at", &ats).Error; err != nil {
		return nil, err
	}
	// Filtered, sorted and grouped here, not in SQL: SQLite compares times
	// as text (only right within one zone), and the day is China time's,
	// which the backends' date functions do not agree on. There is at most
	// one closure per problem and look-back, so the list stays small.
	slices.SortFunc(ats, time.Time.Compare)
	var out []DayCount
	for _, at := range ats {
		if at.Before(since) {
			continue
		}
		d := domain.DateOf(at)
		if n := len(out); n > 0 && out[n-1].Day == d {
			out[n-1].N++
		} else {
			out = append(out, DayCount{Day: d, N: 1})
		}
	}
	return out, nil
}

// Deadline is an open measure's deadline.
type Deadline struct {
	ProblemID     int64
	ProblemNumber int
	ProblemTitle  string
	MeasureID     int64
	MeasureTitle  string
	LeadUnitID    int64
	Deadline      domain.Date
}

// UpcomingDeadlines returns open measures with a deadline (not long-term,
// not completed, problem not closed), the earliest first, overdue ones too.
func (s *Store) UpcomingDeadlines(ctx context.Context, campaignID, visibleToUnit int64, limit int) ([]Deadline, error) {
	var rows []struct {
		ProblemID     int64
		ProblemNumber int
		ProblemTitle  string
		MeasureID     int64
		MeasureTitle  string
		LeadUnitID    int64
		Deadline      string
	}
	db := s.scoped(s.reader(ctx).Table("measures AS m").Joins("JOIN problems AS p ON p.id = m.problem_id"), campaignID, visibleToUnit)
	err := db.Select("m.problem_id AS problem_id, p.number AS problem_number, p.title AS problem_title, "+
		"m.measure_id AS measure_id, m.title AS measure_title, m.lead_unit_id AS lead_unit_id, m.deadline AS deadline").
		Where("m.completed = ? AND m.kind <> ? AND m.deadline <> '' AND p.stage <> ?", false, string(domain.KindLongTerm), string(domain.StageClosed)).
		Order("m.deadline, m.problem_id, m.measure_id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Deadline, len(rows))
	for i, r := range rows {
		out[i] = Deadline{
			ProblemID: r.ProblemID, ProblemNumber: r.ProblemNumber, ProblemTitle: r.ProblemTitle,
			MeasureID: r.MeasureID, MeasureTitle: r.MeasureTitle, LeadUnitID: r.LeadUnitID, Deadline: domain.Date(r.Deadline),
		}
	}
	return out, nil
}

// TrendInputs reads what domain.WeeklyTrend replays for a campaign (scoped
// to a unit's problems when visibleToUnit is set): every stage change from
// the event log (a creation enters plan) and every measure's deadline and
// completion. One pass over each table, in the campaign's order.
func (s *Store) TrendInputs(ctx context.Context, campaignID, visibleToUnit int64) ([]domain.StageChange, []domain.MeasureDue, error) {
	var events []struct {
		ProblemID int64
		Action    string
		ToStage   string
		At        time.Time
	}
	db := s.scoped(s.reader(ctx).Table("events AS e").Joins("JOIN problems AS p ON p.id = e.problem_id"), campaignID, visibleToUnit)
	if err := db.Select("e.problem_id AS problem_id, e.action AS action, e.to_stage AS to_stage, e.at AS at").
		Where("e.to_stage <> '' OR e.action = ?", string(domain.ActionCreate)).Order("e.problem_id, e.seq").Scan(&events).Error; err != nil {
		return nil, nil, err
	}
	changes := make([]domain.StageChange, 0, len(events))
	for _, e := range events {
		stage := domain.Stage(e.ToStage)
		if stage == "" {
			stage = domain.StagePlan
		}
		changes = append(changes, domain.StageChange{ProblemID: e.ProblemID, Stage: stage, At: e.At})
	}
	var measures []struct {
		ProblemID   int64
		Kind        string
		Deadline    string
		CompletedAt *time.Time
	}
	db = s.scoped(s.reader(ctx).Table("measures AS m").Joins("JOIN problems AS p ON p.id = m.problem_id"), campaignID, visibleToUnit)
	if err := db.Select("m.problem_id AS problem_id, m.kind AS kind, m.deadline AS deadline, m.completed_at AS completed_at").
		Scan(&measures).Error; err != nil {
		return nil, nil, err
	}
	dues := make([]domain.MeasureDue, 0, len(measures))
	for _, m := range measures {
		d := domain.MeasureDue{ProblemID: m.ProblemID, Kind: domain.MeasureKind(m.Kind), Deadline: domain.Date(m.Deadline)}
		if m.CompletedAt != nil {
			d.CompletedAt = *m.CompletedAt
		}
		dues = append(dues, d)
	}
	return changes, dues, nil
}
