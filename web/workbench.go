package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// workbenchView is 我的待办: one compact row per thing to do, grouped by
// what to do next. Each row opens its forms in place.
type workbenchView struct {
	// Returned are problems sent back (plan rejected, closure rejected or
	// returned by the unit head) with the reason, still unanswered.
	Returned []workRow
	// Acknowledge are measures to 签收.
	Acknowledge []workRow
	// Progress are running measures to report on or complete, the ones
	// this user handles (经办人) first.
	Progress []workRow
	// Evidence are measures done without any evidence yet.
	Evidence []workRow
	// Closure are problems whose every measure is done and evidenced.
	Closure []workRow
	// Endorse are closure requests awaiting this head's endorsement; ToPlan
	// problems assigned to the unit (分办) without a plan; Verify those
	// under the supervisor's review.
	Endorse []workRow
	ToPlan  []workRow
	Verify  []workRow
	// Done is the anchor of the row an action just came from.
	Done string
	// EvidenceMB is the upload limit, for the upload form's hint.
	EvidenceMB int64
}

// workRow is one line of the workbench: a problem, maybe one of its
// measures, and what the user may do.
type workRow struct {
	P   domain.Problem
	M   domain.Measure
	Can can
	// Mine: the user is the measure's handler.
	Mine bool
	// Evidence counts the measure's live (not withdrawn) evidence.
	Evidence int
	// Reason is the return a Returned row answers.
	Reason *domain.Event
	// Group names the row's group, so problem rows in two groups keep
	// distinct anchors.
	Group string
}

// Anchor is the row's id: where the page returns after its form.
func (r workRow) Anchor() string {
	if r.M.ID != 0 {
		return fmt.Sprintf("row-%d-%d", r.P.ID, r.M.ID)
	}
	return fmt.Sprintf("%s-%d", r.Group, r.P.ID)
}

// Back is where the row's forms return: this row of the workbench (the
// query names it for the server, the fragment for the browser).
func (r workRow) Back() string {
	return "/workbench?row=" + r.Anchor() + "#" + r.Anchor()
}

// Empty reports whether there is nothing to do.
func (v workbenchView) Empty() bool {
	return len(v.Returned)+len(v.Acknowledge)+len(v.Progress)+len(v.Evidence)+len(v.Closure)+len(v.Endorse)+len(v.ToPlan)+len(v.Verify) == 0
}

func (h *Handler) workbench(c *gin.Context) { h.showWorkbench(c, http.StatusOK, nil) }

// showWorkbench renders 我的待办 for a unit user; after a refused form,
// with the form open on its row, its message and its input.
func (h *Handler) showWorkbench(c *gin.Context, status int, f *forms) {
	ctx, u := c.Request.Context(), currentUser(c)
	if err := domain.RequireRole(u, "use the unit workbench", domain.RoleUnit); err != nil {
		h.renderError(c, err)
		return
	}
	v, err := h.workbenchRows(ctx, u)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.EvidenceMB = h.evidenceLimit >> 20
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	var ids []int64
	for _, r := range v.Returned {
		ids = append(ids, r.Reason.ActorID)
	}
	people, err := h.svc.DisplayNames(ctx, ids)
	if err != nil {
		h.renderError(c, err)
		return
	}
	l := h.langOf(c)
	p := &page{Title: l.T("wb.title"), Forms: f, Units: names, People: people, Data: &v}
	if row := c.Query("row"); row != "" && f == nil {
		v.Done = row
		if done := c.Query("done"); done != "" {
			p.Flash = doneOnRow(l, domain.Action(done), row, v)
		}
	}
	h.render(c, status, "workbench", p)
}

// doneOnRow is the note after an action on a row: what was done, on which
// problem and measure, so the user knows which of many rows it was.
func doneOnRow(l *lang, action domain.Action, row string, v workbenchView) string {
	label := l.Action(action)
	if strings.HasPrefix(label, "action.") {
		return ""
	}
	// The anchor is row-P-M for a measure, group-P for a problem.
	var pid, mid int64
	if _, err := fmt.Sscanf(row, "row-%d-%d", &pid, &mid); err != nil {
		mid = 0
		if i := strings.LastIndex(row, "-"); i >= 0 {
			pid, _ = strconv.ParseInt(row[i+1:], 10, 64)
		}
	}
	for _, rows := range [][]workRow{v.Returned, v.Acknowledge, v.Progress, v.Evidence, v.Closure, v.Endorse, v.ToPlan, v.Verify} {
		for _, r := range rows {
			if r.P.ID != pid {
				continue
			}
			if mid == 0 {
				return l.Tf("wb.done_problem", label, r.P.Number, r.P.Title)
			}
			for _, m := range r.P.Measures {
				if m.ID == mid {
					return l.Tf("wb.done_measure", label, r.P.Number, m.ID, m.Title)
				}
			}
		}
	}
	return l.T("common.done") + label
}

// workbenchRows sorts the unit's problems into the workbench's groups.
func (h *Handler) workbenchRows(ctx context.Context, u domain.User) (workbenchView, error) {
	now := h.svc.Now()
	var v workbenchView
	for _, stage := range []domain.Stage{domain.StagePlan, domain.StageAssign, domain.StageExecute, domain.StageVerify} {
		ps, err := h.problemsIn(ctx, u, stage, false)
		if err != nil {
			return v, err
		}
		for _, p := range ps {
			can := capabilities(u, p, now)
			if can.EditPlan || p.Closure.Status == domain.ClosureReturned || p.Closure.Status == domain.ClosureRejected {
				events, err := h.svc.Events(ctx, u, p.ID)
				if err != nil {
					return v, err
				}
				if back := sentBack(events); back != nil && (p.LeadUnitID == u.UnitID || can.EditPlan) {
					v.Returned = append(v.Returned, workRow{P: p, Can: can, Reason: back, Group: "returned"})
				}
			}
			evidence, err := h.liveEvidence(ctx, u, p, can)
			if err != nil {
				return v, err
			}
			evidenced := len(p.Measures) > 0
			for _, m := range p.Measures {
				row := workRow{P: p, M: m, Can: can, Mine: m.HandlerID == u.ID && u.ID != 0, Evidence: evidence[m.ID]}
				switch {
				case can.Acknowledge[m.ID]:
					v.Acknowledge = append(v.Acknowledge, row)
				case can.Progress[m.ID] && !m.Completed:
					v.Progress = append(v.Progress, row)
				case can.Upload[m.ID] && measureDone(m) && evidence[m.ID] == 0:
					v.Evidence = append(v.Evidence, row)
				}
				if evidence[m.ID] == 0 {
					evidenced = false
				}
			}
			if can.EditPlan {
				v.ToPlan = append(v.ToPlan, workRow{P: p, Can: can, Group: "plan"})
			}
			if can.Endorse {
				v.Endorse = append(v.Endorse, workRow{P: p, Can: can, Group: "endorse"})
			}
			// Offered only once every measure is done and evidenced.
			if can.RequestClosure && !can.Endorse && p.Closure.Status != domain.ClosureAwaitingEndorsement && readyForClosure(p) && evidenced {
				v.Closure = append(v.Closure, workRow{P: p, Can: can, Group: "closure"})
			}
			if p.Stage == domain.StageVerify && p.LeadUnitID == u.UnitID {
				v.Verify = append(v.Verify, workRow{P: p, Group: "verify"})
			}
		}
	}
	// The measures this user handles first, then by deadline.
	sort.SliceStable(v.Progress, func(i, j int) bool {
		a, b := v.Progress[i], v.Progress[j]
		if a.Mine != b.Mine {
			return a.Mine
		}
		return a.M.Deadline < b.M.Deadline
	})
	return v, nil
}

// liveEvidence counts a problem's live evidence by measure; it reads
// evidence only for problems where some measure takes uploads.
func (h *Handler) liveEvidence(ctx context.Context, u domain.User, p domain.Problem, can can) (map[int64]int, error) {
	counts := map[int64]int{}
	if len(can.Upload) == 0 {
		return counts, nil
	}
	items, err := h.svc.ListEvidence(ctx, u, p.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range items {
		if !e.Withdrawn {
			counts[e.MeasureID]++
		}
	}
	return counts, nil
}

// measureDone: completed, or a long-term measure reported on (the rule of
// domain.Apply for closure).
func measureDone(m domain.Measure) bool {
	return m.Completed || (m.Kind == domain.KindLongTerm && m.ProgressCount > 0)
}

// readyForClosure reports whether every measure is done (shown here only
// as a hint: the workflow decides).
func readyForClosure(p domain.Problem) bool {
	for _, m := range p.Measures {
		if !measureDone(m) {
			return false
		}
	}
	return len(p.Measures) > 0
}
