package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// emptyPlanRows is how many blank measure rows a new plan starts with, so
// that the editor works without JavaScript; app.js adds more.
const emptyPlanRows = 3

// planRow is one measure row of the editor, as text, so that a refused
// plan comes back exactly as typed.
type planRow struct {
	Index                           int
	Title, Kind, Lead, Leader, Date string
	Co                              []string
	// Handler is the chosen handler's user ID (经办人), "" for none.
	Handler string
}

// HasCo reports whether the row chose unit id as a co-unit.
func (r planRow) HasCo(id int64) bool {
	return slices.Contains(r.Co, itoa(id))
}

type planForm struct {
	P     domain.Problem
	Lead  string
	Rows  []planRow
	Units []domain.Unit
	// Members are the units' users, the handler picker's choices.
	Members []domain.User
	Error   string
	RID     string
}

func (h *Handler) planEditor(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	p, err := h.svc.Problem(c.Request.Context(), currentUser(c), id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	// Leaders draft, or the unit the problem was assigned to (分办).
	if u := currentUser(c); !(u.Role == domain.RoleUnit && p.Assignment != nil && u.UnitID == p.Assignment.LeadUnitID) {
		if err := domain.RequireRole(u, "draft plans", domain.RoleLeader, domain.RoleAdmin); err != nil {
			h.renderError(c, err)
			return
		}
	}
	// A plan sent back keeps its measures: start from them.
	ed := planForm{P: p}
	if p.LeadUnitID != 0 {
		ed.Lead = itoa(p.LeadUnitID)
	}
	for i, m := range p.Measures {
		row := planRow{Index: i, Title: m.Title, Kind: string(m.Kind), Lead: itoa(m.LeadUnitID),
			Leader: m.ResponsibleLeader, Date: string(m.Deadline)}
		if m.HandlerID != 0 {
			row.Handler = itoa(m.HandlerID)
		}
		for _, co := range m.CoUnitIDs {
			row.Co = append(row.Co, itoa(co))
		}
		ed.Rows = append(ed.Rows, row)
	}
	h.showPlanEditor(c, http.StatusOK, ed)
}

func (h *Handler) showPlanEditor(c *gin.Context, status int, ed planForm) {
	names, units, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	ed.Units = units
	if ed.Members, err = h.svc.UnitMembers(c.Request.Context()); err != nil {
		h.renderError(c, err)
		return
	}
	for len(ed.Rows) < emptyPlanRows {
		ed.Rows = append(ed.Rows, planRow{Index: len(ed.Rows), Kind: string(domain.KindDeadline)})
	}
	if ed.RID == "" {
		ed.RID = uuid.NewString()
	}
	h.render(c, status, "problem_plan", &page{Title: h.langOf(c).T("plan.title"), Units: names, Data: ed})
}

// planSubmit reads the editor's rows into the same PlanInput the JSON API
// builds and submits it; a refusal shows the editor again as typed.
func (h *Handler) planSubmit(c *gin.Context) {
	ed := planForm{Lead: c.PostForm("lead_unit_id"), Rows: planRows(c)}
	id, _, err := h.send(c, domain.ActionSubmitPlan, func(cmd *domain.Command) error {
		plan, err := toPlan(ed)
		cmd.Plan = &plan
		return err
	})
	switch {
	case id == 0 || domain.IsCode(err, domain.EInternal):
		h.renderError(c, err)
		return
	case err == nil:
		redirectDone(c, "/problems/"+itoa(id), domain.ActionSubmitPlan)
		return
	}
	p, perr := h.svc.Problem(c.Request.Context(), currentUser(c), id)
	if perr != nil {
		h.renderError(c, perr)
		return
	}
	ed.P = p
	ed.Error = h.errorText(h.langOf(c), err)
	if domain.IsCode(err, domain.EUnavailable) {
		ed.RID = c.PostForm("request_id")
	}
	h.showPlanEditor(c, httpx.StatusOf(domain.ErrorCode(err)), ed)
}

// planRows reads rows m0., m1., … in order, skipping rows left blank.
func planRows(c *gin.Context) []planRow {
	_ = c.Request.ParseForm()
	form := c.Request.PostForm
	var idx []int
	for key := range form {
		if rest, ok := strings.CutPrefix(key, "m"); ok {
			if n, _, ok := strings.Cut(rest, "."); ok {
				if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < 10*domain.MaxMeasures && !slices.Contains(idx, i) {
					idx = append(idx, i)
				}
			}
		}
	}
	slices.Sort(idx)
	var rows []planRow
	for _, i := range idx {
		f := func(name string) string { return strings.TrimSpace(form.Get(fmt.Sprintf("m%d.%s", i, name))) }
		r := planRow{Index: len(rows), Title: f("title"), Kind: f("kind"), Lead: f("lead"), Leader: f("leader"),
			Date: f("deadline"), Co: form[fmt.Sprintf("m%d.co", i)], Handler: f("handler")}
		if r.Title == "" && r.Leader == "" && r.Date == "" && r.Lead == "" && len(r.Co) == 0 {
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

func toPlan(ed planForm) (domain.PlanInput, error) {
	lead, err := formID(ed.Lead)
	if err != nil {
		return domain.PlanInput{}, err
	}
	plan := domain.PlanInput{LeadUnitID: lead}
	for i, r := range ed.Rows {
		m := domain.MeasureInput{Title: r.Title, Kind: domain.MeasureKind(r.Kind), ResponsibleLeader: r.Leader}
		if m.LeadUnitID, err = formID(r.Lead); err != nil {
			return plan, err
		}
		if m.LeadUnitID == 0 {
			return plan, domain.Errorf(domain.EInvalid, "measure %d: lead unit is required", i+1).WithKey("measure_field_required", "n", i+1, "field", "lead_unit_id").WithField(fmt.Sprintf("measures[%d].lead_unit_id", i))
		}
		if m.HandlerID, err = formID(r.Handler); err != nil {
			return plan, err
		}
		for _, co := range r.Co {
			id, err := formID(co)
			if err != nil {
				return plan, err
			}
			m.CoUnitIDs = append(m.CoUnitIDs, id)
		}
		if r.Date != "" {
			if m.Deadline, err = domain.ParseDate(r.Date); err != nil {
				return plan, domain.Errorf(domain.EInvalid, "measure %d: deadline: %s", i+1, domain.ErrorMessage(err)).WithKey("measure_deadline_not_date", "n", i+1, "value", r.Date).WithField(fmt.Sprintf("measures[%d].deadline", i))
			}
		}
		plan.Measures = append(plan.Measures, m)
	}
	return plan, nil
}
