package domain

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Lateness forecast: from a measure's progress reports (percent over
// time), when it will be done at the pace it keeps, and whether that is
// after its deadline. It warns before the yellow light does: a measure can
// be weeks from its deadline and already too slow to meet it.

// Forecast is a measure's projected completion.
type Forecast struct {
	// Date is when the measure reaches 100% at its pace; empty when it
	// never will (stalled).
	Date Date `json:"date,omitempty"`
	// Late: Date is after the deadline, or the measure stalled short of it.
	Late bool `json:"late"`
	// Stalled: the reports show no progress.
	Stalled bool `json:"stalled,omitempty"`
}

// ProgressPoint is one report's percent and when it was made.
type ProgressPoint struct {
	At      time.Time
	Percent int
}

// ForecastMeasure projects a measure's completion from its reports' points
// against its deadline. The pace is the least-squares slope of percent over
// time through the reports; the projection runs it on from the latest
// report. No forecast (false) for fewer than two reports at different
// times, a measure already at 100%, or without a deadline. A pace of zero
// or less is stalled: late, as it will not finish at all.
func ForecastMeasure(points []ProgressPoint, deadline Date) (Forecast, bool) {
	if deadline.IsZero() || deadline.Time().IsZero() || len(points) < 2 {
		return Forecast{}, false
	}
	pts := make([]ProgressPoint, len(points))
	copy(pts, points)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].At.Before(pts[j].At) })
	last := pts[len(pts)-1]
	if last.Percent >= 100 || !last.At.After(pts[0].At) {
		return Forecast{}, false
	}
	// Days since the first report, for numeric range.
	var sx, sy float64
	for _, p := range pts {
		sx += p.At.Sub(pts[0].At).Hours() / 24
		sy += float64(p.Percent)
	}
	n := float64(len(pts))
	mx, my := sx/n, sy/n
	var sxy, sxx float64
	for _, p := range pts {
		dx := p.At.Sub(pts[0].At).Hours()/24 - mx
		sxy += dx * (float64(p.Percent) - my)
		sxx += dx * dx
	}
	slope := sxy / sxx // percent per day
	if !(slope > 1e-9) {
		return Forecast{Late: true, Stalled: true}, true
	}
	days := (100 - float64(last.Percent)) / slope
	if days > 365*50 {
		return Forecast{Late: true, Stalled: true}, true
	}
	done := DateOf(last.At.Add(time.Duration(math.Ceil(days*24)) * time.Hour))
	return Forecast{Date: done, Late: done > deadline}, true
}

// ForecastNotice is the one notice that a measure's projection passed its
// deadline, to its handler (or its unit), before the yellow light: false
// when the forecast is not late, the measure is done or long-term, or its
// warning has begun (the yellow notice speaks then). Its key names the
// deadline, so that it is sent once per deadline however often the
// projection is recomputed.
func ForecastNotice(p Problem, m Measure, f Forecast, pol Policy, now time.Time) (Notice, bool) {
	if !f.Late || m.Completed || m.Kind == KindLongTerm || m.Deadline.IsZero() || p.Stage.Rectified() {
		return Notice{}, false
	}
	if !now.Before(m.Deadline.DueAt().Add(-pol.WithDefaults().WarningWindow)) {
		return Notice{}, false
	}
	msg := fmt.Sprintf("【预计逾期】按目前进度，问题%d的措施“%s”预计无法在%s前完成", p.Number, m.Title, m.Deadline)
	if f.Date != "" {
		msg = fmt.Sprintf("【预计逾期】按目前进度，问题%d的措施“%s”预计%s完成，晚于整改时限%s", p.Number, m.Title, f.Date, m.Deadline)
	}
	return Notice{
		Key:  fmt.Sprintf("forecast_late:p%d:m%d:%s", p.ID, m.ID, m.Deadline),
		Kind: NoticeForecastLate, ProblemID: p.ID, MeasureID: m.ID,
		Audience: m.audience(), Message: msg, At: now,
	}, true
}
