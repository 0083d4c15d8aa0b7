package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/rectify/rectify/internal/domain"
)

// CreateCampaign adds a campaign (already validated).
func (s *Store) CreateCampaign(ctx context.Context, c domain.Campaign) (domain.Campaign, error) {
	row := campaignRow{
		Title: c.Title, InspectedBody: c.InspectedBody, InspectionTeam: c.InspectionTeam,
		InspectionStart: string(c.InspectionStart), InspectionEnd: string(c.InspectionEnd),
		FeedbackDate: string(c.FeedbackDate), CreatedAt: s.Now(),
		WarningWindowS: seconds(c.Policy.WarningWindow), AckWindowS: seconds(c.Policy.AckWindow),
		ReviewWindowS: seconds(c.Policy.ReviewWindow), RepeatEveryS: seconds(c.Policy.RepeatEvery),
		EscalateAfterS: seconds(c.Policy.EscalateAfter), EndorseClosure: c.Policy.EndorseClosure,
	}
	if !c.Policy.Flags.IsZero() {
		row.FlagPolicy = string(mustJSON(c.Policy.Flags))
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return domain.Campaign{}, err
	}
	return row.toDomain(), nil
}

// ListCampaigns returns every campaign, newest first.
func (s *Store) ListCampaigns(ctx context.Context) ([]domain.Campaign, error) {
	var rows []campaignRow
	if err := s.reader(ctx).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.Campaign, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// Campaign returns one campaign with its counts per stage.
func (s *Store) Campaign(ctx context.Context, id int64) (domain.CampaignSummary, error) {
	var row campaignRow
	if err := s.reader(ctx).Take(&row, id).Error; err != nil {
		return domain.CampaignSummary{}, notFound(err, "campaign %d not found", id)
	}
	var counts []struct {
		Stage string
		N     int
	}
	err := s.reader(ctx).Model(&problemRow{}).Select("stage, count(*) AS n").
		Where("campaign_id = ?", id).Group("stage").Scan(&counts).Error
	if err != nil {
		return domain.CampaignSummary{}, err
	}
	sum := domain.CampaignSummary{Campaign: row.toDomain(), StageCounts: map[domain.Stage]int{}}
	for _, st := range domain.AllStages() {
		sum.StageCounts[st] = 0
	}
	for _, c := range counts {
		sum.StageCounts[domain.Stage(c.Stage)] = c.N
		sum.ProblemCount += c.N
	}
	return sum, nil
}

func (r campaignRow) toDomain() domain.Campaign {
	return domain.Campaign{
		ID: r.ID, Title: r.Title, InspectedBody: r.InspectedBody, InspectionTeam: r.InspectionTeam,
		InspectionStart: domain.Date(r.InspectionStart), InspectionEnd: domain.Date(r.InspectionEnd),
		FeedbackDate: domain.Date(r.FeedbackDate), CreatedAt: r.CreatedAt, Policy: r.policy(),
		ReportCadence: r.ReportCadence, ReportDueDays: r.ReportDueDays,
	}
}

// policy is the campaign's policy with its defaults filled in.
func (r campaignRow) policy() domain.Policy {
	var flags domain.FlagPolicy
	if r.FlagPolicy != "" {
		_ = json.Unmarshal([]byte(r.FlagPolicy), &flags) // written by CreateCampaign from a validated policy
	}
	return domain.Policy{Flags: flags,
		WarningWindow: time.Duration(r.WarningWindowS) * time.Second, AckWindow: time.Duration(r.AckWindowS) * time.Second,
		ReviewWindow: time.Duration(r.ReviewWindowS) * time.Second, RepeatEvery: time.Duration(r.RepeatEveryS) * time.Second,
		EscalateAfter: time.Duration(r.EscalateAfterS) * time.Second, EndorseClosure: r.EndorseClosure,
	}.WithDefaults()
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

// SetReportSchedule stores a campaign's report cadence.
func (s *Store) SetReportSchedule(ctx context.Context, campaignID int64, cadence string, dueDays int) error {
	res := s.db.WithContext(ctx).Model(&campaignRow{}).Where("id = ?", campaignID).
		Updates(map[string]any{"report_cadence": cadence, "report_due_days": dueDays})
	if res.Error != nil {
		return res.Error
	} else if res.RowsAffected == 0 {
		return domain.Errorf(domain.ENotFound, "campaign %d not found", campaignID).WithKey("campaign_not_found", "id", campaignID)
	}
	return nil
}
