package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
)

type dashboardView struct {
	Campaigns []domain.Campaign
	Selected  int64
	D         service.Dashboard
	Stages    []stageCount
	Chart     chart
	Trend     trend
	Today     domain.Date
	// Stats holds the lights and the overdue ranking (campaign-wide, so
	// not shown to unit users, whose dashboard is their own problems).
	Stats  *domain.CampaignStats
	Lights []lightCount
}

type lightCount struct {
	Light domain.Light
	N     int
}

type stageCount struct {
	Stage domain.Stage
	N     int
	// Width is the bar's share of the largest stage, in percent.
	Width int
}

// dashboard shows one campaign's figures, scoped to the user by the service.
func (h *Handler) dashboard(c *gin.Context) {
	ctx, u := c.Request.Context(), currentUser(c)
	v := dashboardView{Today: h.svc.Today()}
	var err error
	if v.Campaigns, err = h.svc.Campaigns(ctx); err != nil {
		h.renderError(c, err)
		return
	}
	if v.Selected, err = h.campaignParam(c, v.Campaigns); err != nil {
		h.renderError(c, err)
		return
	}
	names, _, err := h.unitNames(c)
	if err != nil {
		h.renderError(c, err)
		return
	}
	l := h.langOf(c)
	if v.Selected != 0 {
		if v.D, err = h.svc.Dashboard(ctx, u, v.Selected); err != nil {
			h.renderError(c, err)
			return
		}
		most := 1
		for _, n := range v.D.StageCounts {
			most = max(most, n)
		}
		for _, st := range domain.AllStages() {
			n := v.D.StageCounts[st]
			v.Stages = append(v.Stages, stageCount{Stage: st, N: n, Width: n * 100 / most})
		}
		v.Chart = closureChart(v.D.Closures, v.Today, service.ClosureDays)
		v.Trend = trendChart(v.D.Trend)
		if u.Role != domain.RoleUnit {
			st, err := h.svc.CampaignStats(ctx, v.Selected)
			if err != nil {
				h.renderError(c, err)
				return
			}
			v.Stats = &st
			for _, l := range []domain.Light{domain.LightRed, domain.LightYellow, domain.LightGreen, domain.LightClosed} {
				v.Lights = append(v.Lights, lightCount{Light: l, N: st.ByLight[l]})
			}
		}
	}
	h.render(c, http.StatusOK, "dashboard", &page{Title: l.T("dash.title"), Units: names, Data: v})
}

// campaignParam is the campaign_id query parameter, or the newest campaign.
func (h *Handler) campaignParam(c *gin.Context, campaigns []domain.Campaign) (int64, error) {
	id, err := formID(c.Query("campaign_id"))
	if err != nil || id != 0 {
		return id, err
	}
	if len(campaigns) > 0 {
		return campaigns[0].ID, nil // newest first
	}
	return 0, nil
}

// chart is a bar chart of closures per day, laid out here so that the
// template only draws rectangles (SVG, no script, no inline style).
type chart struct {
	Width, Height, Base int
	Days                int
	Bars                []bar
	Max, Total          int
	From, To            domain.Date
}

type bar struct {
	X, Y, W, H int
	Day        domain.Date
	N          int
}

func closureChart(days []store.DayCount, today domain.Date, span int) chart {
	const slot, plot = 10, 120
	ch := chart{Days: span, Width: span * slot, Height: plot + 24, Base: plot + 4, From: today.AddDays(-span + 1), To: today}
	byDay := map[domain.Date]int{}
	for _, d := range days {
		byDay[d.Day] += d.N
		ch.Max = max(ch.Max, byDay[d.Day])
	}
	for i := range span {
		day := ch.From.AddDays(i)
		n := byDay[day]
		ch.Total += n
		if n == 0 {
			continue
		}
		hgt := max(2, n*plot/max(ch.Max, 1))
		ch.Bars = append(ch.Bars, bar{X: i * slot, Y: ch.Base - hgt, W: slot - 2, H: hgt, Day: day, N: n})
	}
	return ch
}

// trend is the weekly chart: completion as a line on 0–100 %, red problems
// as bars on their own scale.
type trend struct {
	Width, Height, Base int
	Line                string // polyline points
	Points              []trendPoint
	MaxRed              int
}

type trendPoint struct {
	X, Y          int // the completion point
	BarY, BarH    int // the red bar
	Label         string
	Percent       string
	Red, Problems int
}

func trendChart(points []domain.TrendPoint) trend {
	const slot, plot, pad = 56, 140, 10
	tr := trend{Width: slot * len(points), Height: plot + 2*pad + 18, Base: plot + pad}
	for _, p := range points {
		tr.MaxRed = max(tr.MaxRed, p.Red)
	}
	var line []string
	for i, p := range points {
		x := i*slot + slot/2
		pct := p.CompletionPercent()
		y := tr.Base - int(pct*plot/100)
		barH := 0
		if p.Red > 0 {
			barH = max(2, p.Red*(plot/2)/max(tr.MaxRed, 1))
		}
		tr.Points = append(tr.Points, trendPoint{X: x, Y: y, BarY: tr.Base - barH, BarH: barH,
			Label: p.End.In(time.FixedZone("CST", 8*3600)).Format("01-02"), Percent: domain.FormatPercent(pct), Red: p.Red, Problems: p.Problems})
		line = append(line, fmt.Sprintf("%d,%d", x, y))
	}
	tr.Line = strings.Join(line, " ")
	return tr
}
