package domain

import "time"

// Narrative is the part of a campaign's published report (通报) that people
// write rather than the records produce: how the rectification was organised
// (一、整改工作组织情况), what comes next (三、下一步整改工作打算) and the
// contact line. The leading group edits it.
type Narrative struct {
	CampaignID   int64     `json:"campaign_id"`
	Organization string    `json:"organization"`
	NextSteps    string    `json:"next_steps"`
	Contact      string    `json:"contact"`
	UpdatedBy    int64     `json:"updated_by,omitempty"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// Validate trims the narrative and bounds its parts.
func (n *Narrative) Validate() error {
	var err error
	if n.Organization, err = OptionalText("organization", n.Organization); err != nil {
		return err
	}
	if n.NextSteps, err = OptionalText("next_steps", n.NextSteps); err != nil {
		return err
	}
	n.Contact, err = OptionalText("contact", n.Contact)
	return err
}
