package domain

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Look-back reviews (回头看): the discipline group checks that closed
// problems stay fixed. A problem under review is in stage lookback; the group
// may ask its lead unit for material, and concludes by confirming the
// closure (back to closed) or reopening the problem (to execute, with a new
// deadline for the affected measures, so that it must pass verify again).

// LookbackResult is how a look-back of one problem ends.
type LookbackResult string

// Look-back results.
const (
	LookbackConfirmed LookbackResult = "confirmed" // the closure stands
	LookbackReopened  LookbackResult = "reopened"  // the problem relapsed
)

// Valid reports whether r is a known result.
func (r LookbackResult) Valid() bool { return r == LookbackConfirmed || r == LookbackReopened }

// Look-back problem statuses, as the store keeps them per problem.
const (
	LookbackPending   = "pending"
	LookbackConcluded = "concluded"
)

// validateLookback checks the input of a look-back action.
func (c *Command) validateLookback(now time.Time) error {
	if c.LookbackID <= 0 {
		return Errorf(EInvalid, "lookback_id is required").WithKey("field_required", "field", "lookback").WithField("lookback_id")
	}
	var err error
	switch c.Action {
	case ActionStartLookback:
		if !c.Deadline.IsZero() && c.Deadline.Time().IsZero() {
			return Errorf(EInvalid, "due date %q is not a date (use YYYY-MM-DD)", c.Deadline).WithKey("date_invalid", "value", string(c.Deadline)).WithField("deadline")
		}
		c.Text, err = OptionalText("title", c.Text)
	case ActionRequestMaterial, ActionAnswerMaterial:
		c.Text, err = RequireText("text", c.Text)
	case ActionConcludeLookback:
		if !c.Result.Valid() {
			return Errorf(EInvalid, "result must be confirmed or reopened").WithKey("lookback_result_invalid").WithField("result")
		}
		if c.Finding, err = OptionalText("finding", c.Finding); err != nil {
			return err
		}
		if c.Result == LookbackConfirmed {
			if c.Finding == "" {
				return Errorf(EInvalid, "finding is required to confirm a closure").WithKey("lookback_finding_required").WithField("finding")
			}
			if len(c.MeasureIDs) > 0 || !c.Deadline.IsZero() {
				return Errorf(EInvalid, "a confirmed closure takes no deadline or measures").WithKey("lookback_confirm_extra")
			}
			c.Text, err = OptionalText("reason", c.Text)
			return err
		}
		if c.Text, err = RequireText("reason", c.Text); err != nil {
			return err
		}
		if c.Deadline.IsZero() || c.Deadline.Time().IsZero() {
			return Errorf(EInvalid, "deadline is required to reopen (YYYY-MM-DD)").WithKey("lookback_deadline_required").WithField("deadline")
		}
		if !c.Deadline.DueAt().After(now) {
			return Errorf(EInvalid, "the new deadline %s has passed", c.Deadline).WithKey("deadline_passed", "deadline", string(c.Deadline)).WithField("deadline")
		}
		if len(c.MeasureIDs) > MaxMeasures {
			return Errorf(EInvalid, "at most %d measures", MaxMeasures).WithKey("too_many_measures", "max", MaxMeasures).WithField("measure_ids")
		}
		// A copy: Validate must not reorder the caller's slice.
		c.MeasureIDs = slices.Clone(c.MeasureIDs)
		slices.Sort(c.MeasureIDs)
		c.MeasureIDs = slices.Compact(c.MeasureIDs)
	}
	return err
}

// applyLookback runs a look-back action on p and fills the event.
func applyLookback(p *Problem, cmd Command, now time.Time, ev *Event) error {
	payload := map[string]any{"lookback_id": cmd.LookbackID}
	var err error
	switch cmd.Action {
	case ActionStartLookback:
		err = startLookback(p, cmd)
		payload["due"] = cmd.Deadline
		ev.Reason = cmd.Text
	case ActionRequestMaterial:
		err = requestMaterial(p, cmd)
		ev.Reason = cmd.Text
	case ActionAnswerMaterial:
		// TODO(evidence): attach evidence files to the answer once evidence
		// (佐证材料) exists; until then the answer is text only.
		err = answerMaterial(p, cmd)
		ev.Reason = cmd.Text
	case ActionConcludeLookback:
		var reopened []int64
		reopened, err = concludeLookback(p, cmd, now)
		payload["result"], payload["finding"] = cmd.Result, cmd.Finding
		ev.Reason = cmd.Text
		if cmd.Result == LookbackConfirmed {
			ev.Reason = cmd.Finding
		} else {
			payload["reason"], payload["deadline"], payload["measure_ids"] = cmd.Text, cmd.Deadline, reopened
		}
	}
	ev.Payload = mustJSON(payload)
	return err
}

func startLookback(p *Problem, cmd Command) error {
	if err := requireStage(p, StageClosed, "start a look-back"); err != nil {
		return err
	}
	p.Stage = StageLookback
	p.LookbackID, p.LookbackDue = cmd.LookbackID, cmd.Deadline
	return nil
}

// underLookback checks that p is in stage lookback under the look-back cmd
// names, so that a stale request for an earlier look-back is refused.
func underLookback(p *Problem, cmd Command, verb string) error {
	if err := requireStage(p, StageLookback, verb); err != nil {
		return err
	}
	if p.LookbackID != cmd.LookbackID {
		return Errorf(EConflict, "cannot %s: problem %d is under look-back %d, not %d", verb, p.ID, p.LookbackID, cmd.LookbackID).WithKey("lookback_other")
	}
	return nil
}

func requestMaterial(p *Problem, cmd Command) error {
	return underLookback(p, cmd, "ask for material")
}

func answerMaterial(p *Problem, cmd Command) error {
	if cmd.Actor.Role != RoleUnit || cmd.Actor.UnitID != p.LeadUnitID {
		return Errorf(EForbidden, "only a user of the problem's lead unit may answer a look-back").WithKey("lookback_lead_unit_only")
	}
	return underLookback(p, cmd, "answer a look-back")
}

// concludeLookback ends the review: confirmed goes back to closed as it was;
// reopened sends the affected measures back to work with the new deadline
// (the original deadline stays, the acknowledgement too: the unit knows the
// measure) and returns their IDs.
func concludeLookback(p *Problem, cmd Command, now time.Time) ([]int64, error) {
	if err := underLookback(p, cmd, "conclude a look-back"); err != nil {
		return nil, err
	}
	p.LookbackID, p.LookbackDue = 0, ""
	if cmd.Result == LookbackConfirmed {
		p.Stage = StageClosed
		return nil, nil
	}
	ids := cmd.MeasureIDs
	if len(ids) == 0 {
		for _, m := range p.Measures {
			if m.Kind != KindLongTerm {
				ids = append(ids, m.ID)
			}
		}
	}
	for _, id := range ids {
		m, err := p.Measure(id)
		if err != nil {
			return nil, err
		}
		if m.Kind == KindLongTerm {
			return nil, Errorf(EInvalid, "measure %d is long-term: it has no deadline to reopen against", m.ID).WithKey("measure_long_term_no_reopen", p.measureRef(m)...)
		}
		m.Completed, m.CompletedAt, m.CompletionSummary = false, time.Time{}, ""
		m.Deadline = cmd.Deadline
		m.ReportDue = ""
	}
	p.Stage = StageExecute
	p.ClosedAt = time.Time{}
	return ids, nil
}

// lookbackSeries reminds the discipline group of a look-back's due date, as
// a measure's deadline reminds its unit: a warning before, then repeats.
func (p *Problem) lookbackSeries(pol Policy, title string) []series {
	if p.Stage != StageLookback || p.LookbackDue.IsZero() {
		return nil
	}
	dueAt := p.LookbackDue.DueAt()
	// The look-back ID is in the key so that a later look-back with the
	// same due date reminds again.
	due := fmt.Sprintf("L%d:%s", p.LookbackID, p.LookbackDue)
	aud := Audience{Roles: []Role{RoleDiscipline}}
	return []series{
		{
			cond: "lookback", level: "yellow", due: due, kind: NoticeLookback,
			start: dueAt.Add(-pol.WarningWindow), until: dueAt, audience: aud,
			message: fmt.Sprintf("【回头看预警】%s的回头看将于%s到期", title, p.LookbackDue),
		},
		{
			cond: "lookback", level: "red", due: due, kind: NoticeLookback,
			start: dueAt, repeat: pol.RepeatEvery, audience: aud,
			message: fmt.Sprintf("【回头看逾期】%s的回头看已超过%s,请尽快作出结论", title, p.LookbackDue),
		},
	}
}

// lookbackNotices tells the lead unit of a request for material and of a
// reopening, and the discipline group of an answer.
func lookbackNotices(p *Problem, ev Event, n Notice, title string) []Notice {
	n.Kind = NoticeLookback
	n.Audience = Audience{UnitID: p.LeadUnitID}
	switch {
	case ev.Action == ActionRequestMaterial:
		n.Message = fmt.Sprintf("【回头看】请就%s报送材料:%s", title, ev.Reason)
	case ev.Action == ActionAnswerMaterial:
		n.Audience = Audience{Roles: []Role{RoleDiscipline}}
		n.Message = fmt.Sprintf("【回头看】%s的牵头单位已报送材料:%s", title, ev.Reason)
	case ev.Action == ActionConcludeLookback && ev.ToStage == StageExecute:
		n.Message = fmt.Sprintf("【回头看重新整改】%s经回头看重新整改:%s", title, ev.Reason)
	default:
		return nil
	}
	return []Notice{n}
}

// LookbackSampleSize is how many of n candidates a sample of count, or of
// percent (rounded up, at least one), takes.
func LookbackSampleSize(n, count, percent int) (int, error) {
	switch {
	case count > 0 && percent > 0:
		return 0, Errorf(EInvalid, "sample takes count or percent, not both").WithKey("sample_both").WithField("sample")
	case count < 0 || percent < 0 || percent > 100:
		return 0, Errorf(EInvalid, "sample count must be positive and percent between 1 and 100").WithKey("sample_invalid").WithField("sample")
	case count > 0:
		return min(count, n), nil
	case percent > 0:
		return min(n, (n*percent+99)/100), nil
	}
	return 0, Errorf(EInvalid, "sample needs count or percent").WithKey("sample_required").WithField("sample")
}

// MaxLookbackSeed keeps seeds exact in JSON numbers read by JavaScript.
const MaxLookbackSeed = 1<<53 - 1

// SampleProblems picks size of ids at random, reproducibly: the same seed
// over the same set (in any order) picks the same problems. The result is
// sorted.
func SampleProblems(ids []int64, size int, seed int64) []int64 {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	if size >= len(sorted) {
		return sorted
	}
	if size <= 0 {
		return []int64{}
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x5265637469667921)) // "Rectify!"
	r.Shuffle(len(sorted), func(i, j int) { sorted[i], sorted[j] = sorted[j], sorted[i] })
	out := sorted[:size]
	slices.Sort(out)
	return out
}

// LookbackScope says which closed problems a look-back reviews: the listed
// problems, every closed problem of a unit in a campaign, or a random sample
// of a campaign's closed problems.
type LookbackScope struct {
	ProblemIDs []int64         `json:"problem_ids,omitempty"`
	CampaignID int64           `json:"campaign_id,omitempty"`
	UnitID     int64           `json:"unit_id,omitempty"`
	Sample     *LookbackSample `json:"sample,omitempty"`
}

// LookbackSample is a reproducible random sample: Count problems or
// Percent of them, picked with Seed; Weighted draws each with probability
// proportional to its risk weight (RiskInput.Weight) instead of equally.
type LookbackSample struct {
	Count    int   `json:"count,omitempty"`
	Percent  int   `json:"percent,omitempty"`
	Seed     int64 `json:"seed"`
	Weighted bool  `json:"weighted,omitempty"`
}

// NewLookback is the input to start a look-back.
type NewLookback struct {
	Title       string
	Scope       LookbackScope
	ReviewerIDs []int64
	DueDate     Date
}

// MaxLookbackProblems bounds one look-back, so that starting it (one Update
// per problem) stays one request.
const MaxLookbackProblems = 500

// Validate checks and trims a new look-back's own fields.
func (n *NewLookback) Validate(now time.Time) error {
	var err error
	if n.Title, err = RequireText("title", n.Title); err != nil {
		return err
	} else if len([]rune(n.Title)) > MaxTitleLen {
		return Errorf(EInvalid, "title is too long (at most %d characters)", MaxTitleLen).WithKey("field_too_long", "field", "lookback_title", "max", MaxTitleLen).WithField("title")
	}
	if n.DueDate.IsZero() || n.DueDate.Time().IsZero() {
		return Errorf(EInvalid, "due_date is required (YYYY-MM-DD)").WithKey("date_required", "field", "lookback_due").WithField("due_date")
	} else if !n.DueDate.DueAt().After(now) {
		return Errorf(EInvalid, "due_date %s has passed", n.DueDate).WithKey("deadline_passed", "deadline", string(n.DueDate)).WithField("due_date")
	}
	if len(n.ReviewerIDs) > 50 {
		return Errorf(EInvalid, "at most 50 reviewers").WithKey("too_many_reviewers", "max", 50).WithField("reviewer_ids")
	}
	n.ReviewerIDs = slices.Clone(n.ReviewerIDs)
	slices.Sort(n.ReviewerIDs)
	n.ReviewerIDs = slices.Compact(n.ReviewerIDs)
	s := &n.Scope
	switch {
	case len(s.ProblemIDs) > 0:
		if s.CampaignID != 0 || s.UnitID != 0 || s.Sample != nil {
			return Errorf(EInvalid, "scope takes problem_ids alone, campaign_id with unit_id, or campaign_id with sample").WithKey("lookback_scope_invalid").WithField("scope")
		}
		if len(s.ProblemIDs) > MaxLookbackProblems {
			return Errorf(EInvalid, "a look-back reviews at most %d problems", MaxLookbackProblems).WithKey("lookback_too_many", "max", MaxLookbackProblems).WithField("scope")
		}
		s.ProblemIDs = slices.Clone(s.ProblemIDs)
		slices.Sort(s.ProblemIDs)
		s.ProblemIDs = slices.Compact(s.ProblemIDs)
		if s.ProblemIDs[0] <= 0 {
			return Errorf(EInvalid, "problem_ids must be positive").WithKey("lookback_scope_invalid").WithField("scope")
		}
	case s.CampaignID <= 0:
		return Errorf(EInvalid, "scope needs problem_ids, or campaign_id with unit_id or sample").WithKey("lookback_scope_invalid").WithField("scope")
	case (s.UnitID != 0) == (s.Sample != nil):
		return Errorf(EInvalid, "scope takes campaign_id with either unit_id or sample").WithKey("lookback_scope_invalid").WithField("scope")
	case s.Sample != nil:
		if _, err := LookbackSampleSize(1, s.Sample.Count, s.Sample.Percent); err != nil {
			return err
		}
		if s.Sample.Seed < 0 || s.Sample.Seed > MaxLookbackSeed {
			return Errorf(EInvalid, "seed must be between 1 and %d (leave it out for a random one)", int64(MaxLookbackSeed)).WithKey("lookback_seed_invalid", "max", int64(MaxLookbackSeed)).WithField("seed")
		}
	}
	return nil
}

// Lookback is a look-back review (回头看) and where each problem stands.
type Lookback struct {
	ID          int64             `json:"id"`
	Title       string            `json:"title"`
	CampaignID  int64             `json:"campaign_id,omitempty"`
	Scope       LookbackScope     `json:"scope"`
	Seed        int64             `json:"seed"`
	DueDate     Date              `json:"due_date"`
	ReviewerIDs []int64           `json:"reviewer_ids"`
	CreatedBy   int64             `json:"created_by"`
	CreatedAt   time.Time         `json:"created_at"`
	Problems    []LookbackProblem `json:"problems"`
	Concluded   int               `json:"concluded"`
	Total       int               `json:"total"`
	// Started counts the problems already put under review: the start
	// runs after the request that asked for it is answered.
	Started int `json:"started"`
	// Complete is true once every problem is concluded.
	Complete bool `json:"complete"`
	// Assurance is what the look-back says about the closed problems its
	// problems were drawn from (Summarise states it).
	Assurance Assurance `json:"assurance"`
	// Population is how many closed problems the scope held when the
	// look-back started (0: its own problems, a look-back before it was
	// recorded); Weights are their risk weights for a weighted sample.
	Population int       `json:"-"`
	Weights    []float64 `json:"-"`
}

// LookbackProblem is one problem of a look-back.
type LookbackProblem struct {
	ProblemID   int64          `json:"problem_id"`
	CampaignID  int64          `json:"campaign_id"`
	LeadUnitID  int64          `json:"lead_unit_id,omitempty"`
	Status      string         `json:"status"`
	Result      LookbackResult `json:"result,omitempty"`
	Finding     string         `json:"finding,omitempty"`
	Reason      string         `json:"reason,omitempty"`
	ConcludedAt time.Time      `json:"concluded_at,omitzero"`
	ConcludedBy int64          `json:"concluded_by,omitempty"`
	// Material is the requests for material and the answers, from the
	// event log (only in a single look-back's read).
	Material []Event `json:"material,omitempty"`
}

// Summarise sets the counts and the assurance from the problems.
func (l *Lookback) Summarise() {
	l.Total, l.Concluded = len(l.Problems), 0
	reopened := 0
	for _, p := range l.Problems {
		if p.Status == LookbackConcluded {
			l.Concluded++
			if p.Result == LookbackReopened {
				reopened++
			}
		}
	}
	l.Complete = l.Total > 0 && l.Concluded == l.Total
	population := max(l.Population, l.Total)
	var weights []float64
	if l.Scope.Sample != nil && l.Scope.Sample.Weighted && len(l.Weights) == population {
		weights = l.Weights
	}
	l.Assurance = NewAssurance(population, l.Total, l.Concluded, reopened, weights)
}

// LookbackStats counts look-backs per campaign and lead unit.
type LookbackStats struct {
	CampaignID int64  `json:"campaign_id"`
	UnitID     int64  `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	LookedBack int    `json:"looked_back"`
	Confirmed  int    `json:"confirmed"`
	Reopened   int    `json:"reopened"`
	Pending    int    `json:"pending"`
}

// LookbackStartRequestID is the request ID that puts a problem under a
// look-back: each problem is started once per look-back, however often the
// start is retried.
func LookbackStartRequestID(lookbackID, problemID int64) string {
	return fmt.Sprintf("lookback:%d:p%d", lookbackID, problemID)
}
