package domain

// AuditBreak is the first broken link found in one campaign's event chain.
type AuditBreak struct {
	CampaignID int64 `json:"campaign_id"`
	// Position is the chain position where the chain stops being intact.
	Position int64 `json:"position"`
	// EventID, ProblemID and Seq name the row found there (0 when the
	// break is a missing row at the end of the chain).
	EventID   int64  `json:"event_id,omitempty"`
	ProblemID int64  `json:"problem_id,omitempty"`
	Seq       int64  `json:"seq,omitempty"`
	Reason    string `json:"reason"`
}

// AuditHead is the end of one campaign's chain: a copy kept elsewhere
// proves later that the chain up to it was not rewritten.
type AuditHead struct {
	CampaignID int64  `json:"campaign_id"`
	Position   int64  `json:"position"`
	Hash       string `json:"hash"`
}

// AuditReport is the outcome of verifying the event log's hash chains.
type AuditReport struct {
	OK        bool         `json:"ok"`
	Campaigns int          `json:"campaigns"`
	Events    int64        `json:"events"`
	Breaks    []AuditBreak `json:"breaks"`
	Heads     []AuditHead  `json:"heads"`
}
