package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/service"
)

// reportsView is a campaign's 报表 page: downloads of the report (通报) and
// the ledger (台账), the report's narrative, the report schedule (定期调度)
// and imports. Each part is shown to the roles its service call allows.
type reportsView struct {
	Campaigns []domain.Campaign
	Selected  int64
	Campaign  domain.Campaign
	Narrative domain.Narrative
	// Cadence is the schedule form's input: the campaign's, or a refused
	// form's.
	CadenceKind, CadenceArg, DueDays         string
	EditNarrative, Schedule, Trigger, Import bool
	Imported                                 *importView
	// Check is the report checked against the records, shown before the
	// downloads.
	Check []checkFinding
}

// checkFinding is one finding of the report's check, in the page's
// language.
type checkFinding struct {
	ProblemID int64
	Message   string
}

// importView is the outcome of an import form: a dry run's preview, what an
// import did, or the rows a file was refused for.
type importView struct {
	File   string
	Result service.ImportResult
	Rows   []importer.RowError
}

// Measures counts the measures of a preview.
func (v *importView) Measures() int {
	n := 0
	for _, p := range v.Result.Problems {
		n += len(p.Measures)
	}
	return n
}

// summaryItem is one figure of a report's headline: its catalogue key and
// the number as written.
type summaryItem struct{ Key, Value string }

// Summary lists the figures the previewed report's headline states.
func (v *importView) Summary() []summaryItem {
	s := v.Result.Summary
	var out []summaryItem
	addInt := func(key string, n *int) {
		if n != nil {
			out = append(out, summaryItem{key, strconv.Itoa(*n)})
		}
	}
	addFloat := func(key string, f *float64) {
		if f != nil {
			out = append(out, summaryItem{key, strconv.FormatFloat(*f, 'f', -1, 64)})
		}
	}
	addInt("imp.sum.problems", s.Problems)
	addInt("imp.sum.completed", s.Completed)
	addInt("imp.sum.progress", s.InProgress)
	addFloat("imp.sum.rate", s.CompletionRate)
	addInt("imp.sum.rules", s.Regulations)
	addFloat("imp.sum.money", s.MoneyYuan)
	addInt("imp.sum.people", s.People)
	return out
}

// readCampaignRoles may download a whole campaign's report or ledger, as
// the service allows (a unit user gets neither).
var readCampaignRoles = []domain.Role{domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor, domain.RoleDiscipline}

func (h *Handler) reportsPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	h.showReports(c, id, http.StatusOK, nil, nil)
}

// showReports renders the page; after a refused form, with its message and
// input; after an import form, with its outcome.
func (h *Handler) showReports(c *gin.Context, id int64, status int, f *forms, imp *importView) {
	ctx, u := c.Request.Context(), currentUser(c)
	if err := domain.RequireRole(u, "read a whole campaign's report or ledger", readCampaignRoles...); err != nil {
		h.renderError(c, err)
		return
	}
	v := reportsView{Selected: id, Imported: imp}
	var err error
	if v.Campaigns, err = h.svc.Campaigns(ctx); err != nil {
		h.renderError(c, err)
		return
	}
	sum, err := h.svc.Campaign(ctx, id)
	if err != nil {
		h.renderError(c, err)
		return
	}
	v.Campaign = sum.Campaign
	if v.Narrative, err = h.svc.Narrative(ctx, u, id); err != nil {
		h.renderError(c, err)
		return
	}
	_, findings, err := h.svc.CheckReport(ctx, u, id, "")
	if err != nil {
		h.renderError(c, err)
		return
	}
	l := h.langOf(c)
	v.Check = make([]checkFinding, len(findings))
	for i, f := range findings {
		msg, _ := l.cat.Render(l.Code, f.Key, f.Params)
		v.Check[i] = checkFinding{ProblemID: f.ProblemID, Message: msg}
	}
	leads := u.Role == domain.RoleAdmin || u.Role == domain.RoleLeader
	v.EditNarrative, v.Schedule, v.Import = leads, leads, leads
	v.Trigger = leads || u.Role == domain.RoleSupervisor
	v.CadenceKind, v.CadenceArg = splitCadence(v.Campaign.ReportCadence)
	v.DueDays = itoa(int64(v.Campaign.ReportDueDays))
	if v.Campaign.ReportDueDays == 0 {
		v.DueDays = "7"
	}
	if f != nil && f.name == "narrative" {
		v.Narrative.Organization, v.Narrative.NextSteps, v.Narrative.Contact = f.values.Get("organization"), f.values.Get("next_steps"), f.values.Get("contact")
	}
	if f != nil && f.name == "schedule" {
		v.CadenceKind, v.CadenceArg, v.DueDays = f.values.Get("cadence_kind"), f.values.Get("cadence_arg"), f.values.Get("due_days")
	}
	h.render(c, status, "reports", &page{Title: h.langOf(c).T("rep.title"), Forms: f, Data: v})
}

// splitCadence splits "monthly:25" into the form's select and text.
func splitCadence(s string) (kind, arg string) {
	if s == "" {
		return "off", ""
	}
	kind, arg, _ = strings.Cut(s, ":")
	return kind, arg
}

// campaignReports is the reports page of the campaign_id query parameter or
// the newest campaign (the nav's link).
func (h *Handler) campaignReports(c *gin.Context) {
	campaigns, err := h.svc.Campaigns(c.Request.Context())
	if err != nil {
		h.renderError(c, err)
		return
	}
	id, err := h.campaignParam(c, campaigns)
	if err != nil {
		h.renderError(c, err)
		return
	}
	if id == 0 {
		h.renderError(c, domain.Errorf(domain.ENotFound, "there is no campaign yet").WithKey("no_campaign"))
		return
	}
	c.Redirect(http.StatusSeeOther, "/campaigns/"+itoa(id)+"/reports")
}
