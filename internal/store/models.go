package store

import "time"

// gorm models. Table names are explicit so a rename of a Go type never
// renames a table.

type unitRow struct {
	ID        int64  `gorm:"primaryKey"`
	Name      string `gorm:"size:200;not null;uniqueIndex"`
	CreatedAt time.Time
}

func (unitRow) TableName() string { return "units" }

type userRow struct {
	ID           int64  `gorm:"primaryKey"`
	Username     string `gorm:"size:64;not null;uniqueIndex"`
	PasswordHash string `gorm:"size:255;not null"`
	DisplayName  string `gorm:"size:200;not null"`
	Role         string `gorm:"size:16;not null"`
	UnitID       int64  `gorm:"index;not null;default:0"`
	Email        string `gorm:"size:320;not null;default:''"`
	Disabled     bool   `gorm:"not null;default:false"`
	CreatedAt    time.Time
	// UnitRole is a unit user's head or staff (issue 15).
	UnitRole string `gorm:"size:8;not null;default:''"`
	// MustChangePassword: an admin reset the password (issue 16).
	MustChangePassword bool `gorm:"not null;default:false"`
}

func (userRow) TableName() string { return "users" }

type sessionRow struct {
	TokenHash string    `gorm:"primaryKey;size:64"`
	UserID    int64     `gorm:"index;not null"`
	ExpiresAt time.Time `gorm:"not null"`
	RevokedAt *time.Time
	CreatedAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

type campaignRow struct {
	ID              int64  `gorm:"primaryKey"`
	Title           string `gorm:"size:500;not null"`
	InspectedBody   string `gorm:"size:200;not null;default:''"`
	InspectionTeam  string `gorm:"size:200;not null;default:''"`
	InspectionStart string `gorm:"size:10;not null;default:''"`
	InspectionEnd   string `gorm:"size:10;not null;default:''"`
	FeedbackDate    string `gorm:"size:10;not null;default:''"`
	// Policy durations in seconds; 0 means the default.
	WarningWindowS int64  `gorm:"not null;default:0"`
	AckWindowS     int64  `gorm:"not null;default:0"`
	ReviewWindowS  int64  `gorm:"not null;default:0"`
	RepeatEveryS   int64  `gorm:"not null;default:0"`
	EscalateAfterS int64  `gorm:"not null;default:0"`
	ReportCadence  string `gorm:"size:64;not null;default:''"`
	ReportDueDays  int    `gorm:"not null;default:0"`
	CreatedAt      time.Time
	EndorseClosure bool `gorm:"not null;default:false"`
	// FlagPolicy is the red-flag thresholds (JSON), empty for the defaults.
	FlagPolicy string `gorm:"type:text;not null;default:''"`
}

func (campaignRow) TableName() string { return "campaigns" }

type problemRow struct {
	ID         int64  `gorm:"primaryKey"`
	CampaignID int64  `gorm:"not null;uniqueIndex:idx_problem_number,priority:1"`
	Number     int    `gorm:"not null;uniqueIndex:idx_problem_number,priority:2"`
	Section    string `gorm:"size:500;not null;default:''"`
	// ParentNumber and ParentTitle: the group of sub-problems the problem
	// belongs to (0 and '' for none).
	ParentNumber    int    `gorm:"not null;default:0"`
	ParentTitle     string `gorm:"size:500;not null;default:''"`
	Title           string `gorm:"size:500;not null"`
	Description     string `gorm:"type:text;not null;default:''"`
	Stage           string `gorm:"size:16;not null;index"`
	LeadUnitID      int64  `gorm:"not null;default:0;index"`
	Version         int64  `gorm:"not null;default:0"`
	PlanSubmittedBy int64  `gorm:"not null;default:0"`
	NextMeasureID   int64  `gorm:"not null;default:0"`
	ClosedAt        *time.Time
	StageSince      *time.Time
	// YellowAt and RedAt are when the problem's light turns (UTC; null:
	// never), so a list filters by light in SQL.
	YellowAt        *time.Time `gorm:"index"`
	RedAt           *time.Time `gorm:"index"`
	NextExtensionID int64      `gorm:"not null;default:0"`
	Extensions      string     `gorm:"type:text;not null;default:''"`
	Policy          string     `gorm:"type:text;not null;default:''"`
	// Closure is the evidence snapshot and justifications of the last
	// closure request (JSON).
	Closure         string `gorm:"type:text;not null;default:''"`
	WorkflowStarted bool   `gorm:"not null;default:false"`
	// LookbackID and LookbackDue: the look-back under way (stage lookback).
	LookbackID  int64  `gorm:"not null;default:0"`
	LookbackDue string `gorm:"size:10;not null;default:''"`
	// MeasureCount and ExtensionsGranted summarise the problem's measures,
	// so campaign statistics count measures without reading them.
	MeasureCount      int `gorm:"not null;default:0"`
	ExtensionsGranted int `gorm:"not null;default:0"`
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// Assignment is the 分办 (JSON), empty when none.
	Assignment string `gorm:"type:text;not null;default:''"`
	// Reassignments are the requests to change the lead unit (JSON).
	Reassignments      string `gorm:"type:text;not null;default:''"`
	NextReassignmentID int64  `gorm:"not null;default:0"`
}

func (problemRow) TableName() string { return "problems" }

type measureRow struct {
	ProblemID         int64  `gorm:"primaryKey;autoIncrement:false"`
	MeasureID         int64  `gorm:"primaryKey;autoIncrement:false"`
	Title             string `gorm:"type:text;not null"`
	Kind              string `gorm:"size:16;not null"`
	LeadUnitID        int64  `gorm:"not null;index"`
	CoUnitIDs         string `gorm:"size:1000;not null;default:''"`
	ResponsibleLeader string `gorm:"size:200;not null;default:''"`
	Deadline          string `gorm:"size:10;not null;default:''"`
	OriginalDeadline  string `gorm:"size:10;not null;default:''"`
	ReportDue         string `gorm:"size:10;not null;default:''"`
	ExtensionCount    int    `gorm:"not null;default:0"`
	Acknowledged      bool   `gorm:"not null;default:false"`
	AcknowledgedAt    *time.Time
	Completed         bool `gorm:"not null;default:false"`
	CompletedAt       *time.Time
	CompletionSummary string `gorm:"type:text;not null;default:''"`
	ProgressCount     int    `gorm:"not null;default:0"`
	LatestProgress    string `gorm:"type:text;not null;default:''"`
	LatestPercent     *int
	LatestProgressAt  *time.Time
	HandlerID         int64  `gorm:"not null;default:0"`
	HandlerName       string `gorm:"size:200;not null;default:''"`
}

func (measureRow) TableName() string { return "measures" }

// measureUnitRow lists which units take part in which problem, so a unit
// user's list is one indexed join.
type measureUnitRow struct {
	ProblemID int64 `gorm:"primaryKey;autoIncrement:false"`
	UnitID    int64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (measureUnitRow) TableName() string { return "problem_units" }

type eventRow struct {
	ID        int64  `gorm:"primaryKey"`
	ProblemID int64  `gorm:"not null;uniqueIndex:idx_event_seq,priority:1"`
	Seq       int64  `gorm:"not null;uniqueIndex:idx_event_seq,priority:2"`
	RequestID string `gorm:"size:200;not null;default:''"`
	Action    string `gorm:"size:32;not null"`
	ActorID   int64  `gorm:"not null"`
	ActorName string `gorm:"size:64;not null"`
	ActorRole string `gorm:"size:16;not null"`
	ActorUnit int64  `gorm:"not null;default:0"`
	FromStage string `gorm:"size:16;not null;default:''"`
	ToStage   string `gorm:"size:16;not null;default:''"`
	MeasureID int64  `gorm:"not null;default:0"`
	Reason    string `gorm:"type:text;not null;default:''"`
	Payload   string `gorm:"type:text;not null;default:''"`
	At        time.Time
	// The audit chain (audit.go): the row's position in its campaign's
	// chain, the previous row's hash and its own. Zero and empty on rows
	// written before the chain existed, until start-up chains them.
	ChainPos int64  `gorm:"not null;default:0;index"`
	PrevHash string `gorm:"size:64;not null;default:''"`
	Hash     string `gorm:"size:64;not null;default:''"`
}

func (eventRow) TableName() string { return "events" }

type progressRow struct {
	ID        int64  `gorm:"primaryKey"`
	ProblemID int64  `gorm:"not null;uniqueIndex:idx_progress_seq,priority:1"`
	Seq       int64  `gorm:"not null;uniqueIndex:idx_progress_seq,priority:2"`
	MeasureID int64  `gorm:"not null"`
	UserID    int64  `gorm:"not null"`
	Username  string `gorm:"size:64;not null"`
	UnitID    int64  `gorm:"not null;default:0"`
	Text      string `gorm:"type:text;not null"`
	Percent   *int
	CreatedAt time.Time
}

func (progressRow) TableName() string { return "progress_entries" }

type settingRow struct {
	Name  string `gorm:"primaryKey;size:100"`
	Value string `gorm:"type:text;not null"`
}

func (settingRow) TableName() string { return "settings" }

// notificationRow is one user's inbox entry. (key, user) is unique: a
// reminder is written once however often its activity runs.
type notificationRow struct {
	ID        int64  `gorm:"primaryKey"`
	Key       string `gorm:"size:200;not null;uniqueIndex:idx_notification_key,priority:1"`
	UserID    int64  `gorm:"not null;uniqueIndex:idx_notification_key,priority:2;index:idx_notification_inbox,priority:1"`
	Kind      string `gorm:"size:32;not null"`
	ProblemID int64  `gorm:"not null;default:0"`
	MeasureID int64  `gorm:"not null;default:0"`
	Message   string `gorm:"type:text;not null"`
	ReadAt    *time.Time
	CreatedAt time.Time `gorm:"index:idx_notification_inbox,priority:2"`
}

func (notificationRow) TableName() string { return "notifications" }

// deliveryRow is one email or webhook delivery of a notification, with its
// status: (key, channel, target) is unique, and a sent row is never sent
// again.
type deliveryRow struct {
	ID        int64  `gorm:"primaryKey"`
	Key       string `gorm:"size:200;not null;uniqueIndex:idx_delivery_key,priority:1"`
	Channel   string `gorm:"size:16;not null;uniqueIndex:idx_delivery_key,priority:2"`
	Target    string `gorm:"size:320;not null;uniqueIndex:idx_delivery_key,priority:3"`
	Status    string `gorm:"size:16;not null;index"`
	Attempts  int    `gorm:"not null;default:0"`
	LastError string `gorm:"size:1000;not null;default:''"`
	SentAt    *time.Time
	CreatedAt time.Time
}

func (deliveryRow) TableName() string { return "deliveries" }
