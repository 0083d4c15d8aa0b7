package domain

import (
	"strings"
	"time"
)

// Campaign is one inspection round's feedback and its rectification.
type Campaign struct {
	ID              int64  `json:"id"`
	Title           string `json:"title"`
	InspectedBody   string `json:"inspected_body"`
	InspectionTeam  string `json:"inspection_team"`
	InspectionStart Date   `json:"inspection_start,omitempty"`
	InspectionEnd   Date   `json:"inspection_end,omitempty"`
	FeedbackDate    Date   `json:"feedback_date,omitempty"`
	// Policy holds the deadline rules of the campaign's problems.
	Policy Policy `json:"policy"`
	// ReportCadence and ReportDueDays drive the regular report requests.
	ReportCadence string    `json:"report_cadence,omitempty"`
	ReportDueDays int       `json:"report_due_days,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// Validate checks and trims a new campaign.
func (c *Campaign) Validate() error {
	c.Title = strings.TrimSpace(c.Title)
	c.InspectedBody = strings.TrimSpace(c.InspectedBody)
	c.InspectionTeam = strings.TrimSpace(c.InspectionTeam)
	switch {
	case c.Title == "":
		return Errorf(EInvalid, "title is required").WithKey("field_required", "field", "campaign_title").WithField("title")
	case len([]rune(c.Title)) > MaxTitleLen:
		return Errorf(EInvalid, "title is too long (at most %d characters)", MaxTitleLen).WithKey("field_too_long", "field", "campaign_title", "max", MaxTitleLen).WithField("title")
	case len([]rune(c.InspectedBody)) > MaxNameLen, len([]rune(c.InspectionTeam)) > MaxNameLen:
		return Errorf(EInvalid, "inspected_body and inspection_team are at most %d characters", MaxNameLen).WithKey("campaign_names_too_long", "max", MaxNameLen)
	case !c.InspectionStart.IsZero() && !c.InspectionEnd.IsZero() && c.InspectionEnd < c.InspectionStart:
		return Errorf(EInvalid, "inspection_end is before inspection_start").WithKey("campaign_dates_order").WithField("inspection_end")
	}
	return c.Policy.Validate()
}

// CampaignSummary is a campaign with its problem counts per stage.
type CampaignSummary struct {
	Campaign
	ProblemCount int           `json:"problem_count"`
	StageCounts  map[Stage]int `json:"stage_counts"`
}

// CampaignStats are a campaign's dashboard figures.
type CampaignStats struct {
	CampaignID      int64         `json:"campaign_id"`
	Problems        int           `json:"problems"`
	Measures        int           `json:"measures"`
	ProblemsByStage map[Stage]int `json:"problems_by_stage"`
	MeasuresByStage map[Stage]int `json:"measures_by_stage"`
	ByLight         map[Light]int `json:"by_light"`
	// CompletionRate is CompletionPercent as a fraction (0.049 for 4.9%).
	CompletionRate float64 `json:"completion_rate"`
	// CompletionPercent is the share of rectified problems as the 通报
	// gives it (domain.CompletionPercent).
	CompletionPercent float64       `json:"completion_percent"`
	OverduePerUnit    []UnitOverdue `json:"overdue_per_unit"`
	ExtensionsGranted int           `json:"extensions_granted"`
	Outcomes          OutcomeTotals `json:"outcomes"`
}

// UnitOverdue is one line of the overdue ranking.
type UnitOverdue struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Overdue  int    `json:"overdue"`
}
