package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// outcomeAdd (整改成效) records a counted result for the problem's lead
// unit, as POST /api/v1/problems/:id/outcomes: a regulation, money
// recovered, people handled or a free figure. A request ID already seen is
// recorded once.
func (h *Handler) outcomeAdd(c *gin.Context) {
	problemID, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	u := currentUser(c)
	key := "u" + itoa(u.ID) + ":outcome:" + c.PostForm("request_id")
	err = formRequestID(c)
	first := false
	if err == nil {
		first, err = h.svc.FirstUse(c.Request.Context(), key)
	}
	if err == nil && !first {
		redirectDone(c, "/problems/"+itoa(problemID), "add_outcome")
		return
	}
	if err == nil {
		err = h.addOutcome(c, u, problemID)
		if err != nil {
			_ = h.svc.ForgetUse(c.Request.Context(), key)
		}
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showProblem(c, problemID, httpx.StatusOf(domain.ErrorCode(err)), f) }, "add_outcome")
		return
	}
	redirectDone(c, "/problems/"+itoa(problemID), "add_outcome")
}

func (h *Handler) addOutcome(c *gin.Context, u domain.User, problemID int64) error {
	o := domain.Outcome{
		ProblemID: problemID, Kind: domain.OutcomeKind(c.PostForm("kind")),
		Name: c.PostForm("name"), DocNumber: c.PostForm("doc_number"), Unit: c.PostForm("unit"),
	}
	var err error
	if o.MeasureID, err = formID(c.PostForm("measure_id")); err != nil {
		return err
	}
	if v := strings.TrimSpace(c.PostForm("date")); v != "" {
		if o.Date, err = domain.ParseDate(v); err != nil {
			return domain.Errorf(domain.EInvalid, "date: %s", domain.ErrorMessage(err)).WithKey("field_date_invalid", "field", "outcome_date", "value", v).WithField("date")
		}
	}
	if v := strings.TrimSpace(c.PostForm("amount")); v != "" {
		if o.Amount, err = strconv.ParseFloat(v, 64); err != nil {
			return domain.Errorf(domain.EInvalid, "amount %q is not a number", v).WithKey("number_required", "field", "amount", "value", v).WithField("amount")
		}
	}
	if v := strings.TrimSpace(c.PostForm("count")); v != "" {
		if o.Count, err = strconv.Atoi(v); err != nil {
			return domain.Errorf(domain.EInvalid, "count %q is not a whole number", v).WithKey("whole_number", "field", "count", "value", v).WithField("count")
		}
	}
	_, err = h.svc.AddOutcome(c.Request.Context(), u, o)
	return err
}
