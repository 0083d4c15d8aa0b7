package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rectify/rectify/internal/domain"
)

// Recipients returns the users a notice's audience names.
func (s *Store) Recipients(ctx context.Context, a domain.Audience) ([]domain.User, error) {
	q := s.reader(ctx).Model(&userRow{}).Where("disabled = ?", false)
	cond := s.read.Where("1 = 0")
	if a.UnitID != 0 {
		cond = cond.Or("unit_id = ?", a.UnitID)
	}
	if len(a.Roles) > 0 {
		roles := make([]string, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = string(r)
		}
		cond = cond.Or("role IN ?", roles)
	}
	if a.DisplayName != "" {
		cond = cond.Or("display_name = ?", a.DisplayName)
	}
	if len(a.UserIDs) > 0 {
		cond = cond.Or("id IN ?", a.UserIDs)
	}
	if a.UnitHeadOf != 0 {
		cond = cond.Or("unit_id = ? AND unit_role = ?", a.UnitHeadOf, string(domain.UnitHead))
	}
	var rows []userRow
	if err := q.Where(cond).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	users := make([]domain.User, len(rows))
	for i, r := range rows {
		users[i] = r.toDomain()
	}
	return users, nil
}

// CreateNotifications writes n into each recipient's inbox, once per
// (key, user): a retried or repeated delivery writes nothing new. It
// returns how many rows were new.
func (s *Store) CreateNotifications(ctx context.Context, n domain.Notice, recipients []domain.User) (int64, error) {
	if len(recipients) == 0 {
		return 0, nil
	}
	rows := make([]notificationRow, len(recipients))
	for i, u := range recipients {
		rows[i] = notificationRow{
			Key: n.Key, UserID: u.ID, Kind: string(n.Kind), ProblemID: n.ProblemID, MeasureID: n.MeasureID,
			Message: n.Message, CreatedAt: s.Now().UTC(),
		}
	}
	var created int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows)
		created = res.RowsAffected
		return res.Error
	})
	return created, err
}

// Notifications returns a user's inbox, unread first, newest first.
func (s *Store) Notifications(ctx context.Context, userID int64, limit int) ([]domain.Notification, int64, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := s.reader(ctx).Model(&notificationRow{}).Where("user_id = ?", userID)
	var unread int64
	if err := q.Session(&gorm.Session{}).Where("read_at IS NULL").Count(&unread).Error; err != nil {
		return nil, 0, err
	}
	var rows []notificationRow
	if err := q.Order("CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	out := make([]domain.Notification, len(rows))
	for i, r := range rows {
		out[i] = domain.Notification{
			ID: r.ID, Key: r.Key, Kind: domain.NoticeKind(r.Kind), UserID: r.UserID, ProblemID: r.ProblemID,
			MeasureID: r.MeasureID, Message: r.Message, Read: r.ReadAt != nil, CreatedAt: r.CreatedAt,
		}
	}
	return out, unread, nil
}

// CountNotifications counts the rows with key (tests and checks use it).
func (s *Store) CountNotifications(ctx context.Context, key string) (int64, error) {
	var n int64
	err := s.reader(ctx).Model(&notificationRow{}).Where("key = ?", key).Count(&n).Error
	return n, err
}

// MarkNotificationRead marks one of the user's notifications read.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id int64) error {
	now := s.Now().UTC()
	res := s.db.WithContext(ctx).Model(&notificationRow{}).Where("id = ? AND user_id = ?", id, userID).
		Where("read_at IS NULL").Update("read_at", &now)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		var n int64
		if err := s.db.WithContext(ctx).Model(&notificationRow{}).Where("id = ? AND user_id = ?", id, userID).Count(&n).Error; err != nil {
			return err
		} else if n == 0 {
			return domain.Errorf(domain.ENotFound, "notification %d not found", id).WithKey("notification_not_found")
		}
	}
	return nil
}

// Delivery channels.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Delivery statuses.
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
)

// Delivery is one email or webhook send of a notice.
type Delivery struct {
	ID       int64
	Key      string
	Channel  string
	Target   string
	Status   string
	Attempts int
}

// CreateDeliveries records the sends a notice needs (once per key, channel
// and target) and returns those not yet sent.
func (s *Store) CreateDeliveries(ctx context.Context, key string, channels map[string][]string) ([]Delivery, error) {
	var rows []deliveryRow
	for channel, targets := range channels {
		for _, target := range targets {
			rows = append(rows, deliveryRow{Key: key, Channel: channel, Target: target, Status: DeliveryPending, CreatedAt: s.Now().UTC()})
		}
	}
	if len(rows) > 0 {
		if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
			return nil, err
		}
	}
	var pending []deliveryRow
	if err := s.db.WithContext(ctx).Where("key = ? AND status = ?", key, DeliveryPending).Order("id").Find(&pending).Error; err != nil {
		return nil, err
	}
	out := make([]Delivery, len(pending))
	for i, r := range pending {
		out[i] = Delivery{ID: r.ID, Key: r.Key, Channel: r.Channel, Target: r.Target, Status: r.Status, Attempts: r.Attempts}
	}
	return out, nil
}

// Delivery returns one delivery.
func (s *Store) Delivery(ctx context.Context, id int64) (Delivery, error) {
	var r deliveryRow
	if err := s.db.WithContext(ctx).Take(&r, id).Error; err != nil {
		return Delivery{}, notFound(err, "delivery %d not found", id)
	}
	return Delivery{ID: r.ID, Key: r.Key, Channel: r.Channel, Target: r.Target, Status: r.Status, Attempts: r.Attempts}, nil
}

// FinishDelivery records an attempt: sent, or failed with its error (final
// marks it failed for good; otherwise it stays pending for a retry).
func (s *Store) FinishDelivery(ctx context.Context, id int64, sendErr error, final bool) error {
	updates := map[string]any{"attempts": gorm.Expr("attempts + 1")}
	if sendErr == nil {
		now := s.Now().UTC()
		updates["status"], updates["sent_at"], updates["last_error"] = DeliverySent, &now, ""
	} else {
		updates["last_error"] = errorText(sendErr, 1000)
		if final {
			updates["status"] = DeliveryFailed
		}
	}
	return s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id = ? AND status = ?", id, DeliveryPending).Updates(updates).Error
}

// errorText is err's message as a column of max bytes takes it: valid UTF-8
// without NUL (PostgreSQL refuses both in text, and a mail or webhook
// server's reply may hold either), cut on a character boundary.
func errorText(err error, max int) string {
	msg := strings.ReplaceAll(strings.ToValidUTF8(err.Error(), "\uFFFD"), "\x00", "")
	if len(msg) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut]
	}
	return msg
}

// CountDeliveries counts deliveries of key in status ("" for any).
func (s *Store) CountDeliveries(ctx context.Context, key, status string) (int64, error) {
	q := s.reader(ctx).Model(&deliveryRow{}).Where("key = ?", key)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var n int64
	return n, q.Count(&n).Error
}

// FirstNoticeTimes returns, per problem, when the first notification of
// kind was written (for lag measurements).
func (s *Store) FirstNoticeTimes(ctx context.Context, kind domain.NoticeKind, problemIDs []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(problemIDs) == 0 {
		return out, nil
	}
	var all []notificationRow
	if err := s.reader(ctx).Where("kind = ? AND problem_id IN ?", string(kind), problemIDs).Find(&all).Error; err != nil {
		return nil, err
	}
	for _, r := range all {
		if t, ok := out[r.ProblemID]; !ok || r.CreatedAt.Before(t) {
			out[r.ProblemID] = r.CreatedAt
		}
	}
	return out, nil
}
