package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

type workbenchView struct {
	Acknowledge []queueItem
	// Mine are the running measures this user handles (经办人); Execute
	// the unit's others.
	Mine    []queueItem
	Execute []queueItem
	Closure []queueItem
	Verify  []queueItem
	// ToPlan are problems assigned to the unit (分办) without a plan yet;
	// Endorse the closure requests awaiting this head's endorsement.
	ToPlan  []queueItem
	Endorse []queueItem
}

// Empty reports whether there is nothing to do.
func (v workbenchView) Empty() bool {
	return len(v.Acknowledge)+len(v.Mine)+len(v.Execute)+len(v.Closure)+len(v.Verify)+len(v.ToPlan)+len(v.Endorse) == 0
}

// workbench (我的待办) lists a unit user's work: measures to acknowledge,
// to report on or complete, problems to apply for closure, and those under
// review. Its forms are the problem page's.
func (h *Handler) workbench(c *gin.Context) {
	ctx, u := c.Request.Context(), currentUser(c)
	if err := domain.RequireRole(u, "use the unit workbench", domain.RoleUnit); err != nil {
		h.renderError(c, err)
		return
	}
	now := h.svc.Now()
	var v workbenchView
	for _, stage := range []domain.Stage{domain.StagePlan, domain.StageAssign, domain.StageExecute, domain.StageVerify} {
		ps, err := h.problemsIn(ctx, u, stage, false)
		if err != nil {
			h.renderError(c, err)
			return
		}
		for _, p := range ps {
			can := capabilities(u, p, now)
			for _, m := range p.Measures {
				switch {
				case can.Acknowledge[m.ID]:
					v.Acknowledge = append(v.Acknowledge, queueItem{P: p, M: m, Can: can})
				case can.Progress[m.ID] && !m.Completed && m.HandlerID == u.ID:
					v.Mine = append(v.Mine, queueItem{P: p, M: m, Can: can})
				case can.Progress[m.ID] && !m.Completed:
					v.Execute = append(v.Execute, queueItem{P: p, M: m, Can: can})
				}
			}
			if can.EditPlan {
				v.ToPlan = append(v.ToPlan, queueItem{P: p, Can: can})
			}
			if can.Endorse {
				v.Endorse = append(v.Endorse, queueItem{P: p, Can: can})
			}
			// Offered only once every measure is done, not while some run.
			if can.RequestClosure && !can.Endorse && p.Closure.Status != domain.ClosureAwaitingEndorsement && readyForClosure(p) {
				v.Closure = append(v.Closure, queueItem{P: p, Can: can, Ready: readyForClosure(p)})
			}
			if p.Stage == domain.StageVerify && p.LeadUnitID == u.UnitID {
				v.Verify = append(v.Verify, queueItem{P: p})
			}
		}
	}
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.render(c, http.StatusOK, "workbench", &page{Title: h.langOf(c).T("wb.title"), Units: names, Data: v})
}

// readyForClosure reports whether every measure is done: completed, or a
// long-term measure that has been reported on (the rule of domain.Apply,
// shown here only as a hint).
func readyForClosure(p domain.Problem) bool {
	for _, m := range p.Measures {
		if !m.Completed && !(m.Kind == domain.KindLongTerm && m.ProgressCount > 0) {
			return false
		}
	}
	return len(p.Measures) > 0
}
