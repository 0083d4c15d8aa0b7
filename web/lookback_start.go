package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// lookbackStart starts a look-back (启动回头看) as POST /api/v1/lookbacks
// does: a title, a due date and a scope: the chosen closed problems
// (scope=problems, problem_id…), every closed problem of a unit in a
// campaign (scope=unit), or a random sample of a campaign by count or
// percent with an optional seed (scope=sample), weighted by risk when
// asked (weighted=1). The form's request ID is
// the Idempotency-Key, so a double submit starts it once.
func (h *Handler) lookbackStart(c *gin.Context) {
	u := currentUser(c)
	in, err := lookbackInput(c)
	if err == nil {
		err = formRequestID(c)
	}
	var lb domain.Lookback
	if err == nil {
		lb, err = h.svc.StartLookback(c.Request.Context(), u, in, "web:"+strings.TrimSpace(c.PostForm("request_id")))
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showLookbacks(c, httpx.StatusOf(domain.ErrorCode(err)), f) }, "start_lookback")
		return
	}
	redirectDone(c, "/lookbacks/"+itoa(lb.ID), domain.ActionStartLookback)
}

func lookbackInput(c *gin.Context) (domain.NewLookback, error) {
	in := domain.NewLookback{Title: c.PostForm("title")}
	if v := strings.TrimSpace(c.PostForm("due_date")); v != "" {
		d, err := domain.ParseDate(v)
		if err != nil {
			return in, domain.Errorf(domain.EInvalid, "due date: %s", domain.ErrorMessage(err)).WithKey("field_date_invalid", "field", "lookback_due", "value", v).WithField("due_date")
		}
		in.DueDate = d
	}
	num := func(field string) (int, error) {
		v := strings.TrimSpace(c.PostForm(field))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, domain.Errorf(domain.EInvalid, "%s %q is not a whole number", field, v).WithKey("whole_number", "field", field, "value", v).WithField(field)
		}
		return n, nil
	}
	var err error
	switch c.PostForm("scope") {
	case "problems":
		for _, v := range c.PostFormArray("problem_id") {
			id, err := formID(v)
			if err != nil {
				return in, err
			}
			in.Scope.ProblemIDs = append(in.Scope.ProblemIDs, id)
		}
		if len(in.Scope.ProblemIDs) == 0 {
			return in, domain.Errorf(domain.EInvalid, "choose at least one closed problem").WithKey("lookback_choose_problems").WithField("problem_ids")
		}
	case "unit":
		if in.Scope.CampaignID, err = formID(c.PostForm("campaign_id")); err != nil {
			return in, err
		}
		if in.Scope.UnitID, err = formID(c.PostForm("unit_id")); err != nil {
			return in, err
		}
		if in.Scope.UnitID == 0 {
			return in, domain.Errorf(domain.EInvalid, "choose a unit").WithKey("lookback_choose_unit").WithField("unit_id")
		}
	case "sample":
		if in.Scope.CampaignID, err = formID(c.PostForm("campaign_id")); err != nil {
			return in, err
		}
		s := &domain.LookbackSample{Weighted: c.PostForm("weighted") == "1"}
		if s.Count, err = num("count"); err != nil {
			return in, err
		}
		if s.Percent, err = num("percent"); err != nil {
			return in, err
		}
		if v := strings.TrimSpace(c.PostForm("seed")); v != "" {
			if s.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
				return in, domain.Errorf(domain.EInvalid, "seed %q is not a whole number", v).WithKey("whole_number", "field", "seed", "value", v).WithField("seed")
			}
		}
		in.Scope.Sample = s
	default:
		return in, domain.Errorf(domain.EInvalid, "choose the scope: problems, a unit or a sample").WithKey("lookback_scope_invalid").WithField("scope")
	}
	return in, nil
}
