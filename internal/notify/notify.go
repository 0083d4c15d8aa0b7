// Package notify delivers notifications beyond the in-app inbox: email over
// SMTP and webhooks (plain JSON, or DingTalk/WeCom robot messages).
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/rectify/rectify/internal/domain"
)

// Mailer sends email through an SMTP server.
type Mailer struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is "none", "starttls" (required) or "tls" (implicit, port 465).
	TLS string
}

// Enabled reports whether SMTP is configured.
func (m *Mailer) Enabled() bool { return m != nil && m.Host != "" && m.From != "" }

// Send mails n to one address. The Message-ID is derived from the notice
// key, so a receiving system can drop a duplicate too.
func (m *Mailer) Send(ctx context.Context, to string, n domain.Notice) error {
	msg := mail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return fmt.Errorf("from %q: %w", m.From, err)
	}
	if err := msg.To(to); err != nil {
		return fmt.Errorf("to %q: %w", to, err)
	}
	msg.Subject(Subject(n))
	msg.SetMessageIDWithValue(MessageID(n.Key))
	msg.SetBodyString(mail.TypeTextPlain, n.Message+"\r\n\r\n"+"—— Rectify 巡视整改督办系统")
	opts := []mail.Option{mail.WithPort(m.Port), mail.WithTimeout(20 * time.Second)}
	switch m.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if m.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(m.Username), mail.WithPassword(m.Password))
	}
	client, err := mail.NewClient(m.Host, opts...)
	if err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, msg)
}

// MessageID is the email Message-ID of a notice key.
func MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@rectify"
}

// Subject is the email subject of a notice.
func Subject(n domain.Notice) string {
	titles := map[domain.NoticeKind]string{
		domain.NoticeWarning: "整改时限预警", domain.NoticeOverdue: "整改逾期催办", domain.NoticeAckOverdue: "签收逾期",
		domain.NoticeReviewLate: "销号审核逾期", domain.NoticeEscalation: "督办升级", domain.NoticeUrge: "催办",
		domain.NoticeReportDue: "进展报送提醒", domain.NoticeReportLate: "进展报送逾期", domain.NoticeExtension: "延期申请",
	}
	if t, ok := titles[n.Kind]; ok {
		return "【Rectify】" + t
	}
	return "【Rectify】通知"
}

// Webhook posts notices to one URL.
type Webhook struct {
	URL string
	// Secret signs each request (HMAC-SHA256); DingTalk's own signature
	// scheme is used for the dingtalk format.
	Secret string
	// Format is "json" (default), "dingtalk" or "wecom".
	Format string
	Client *http.Client
	// Now is the clock for signatures; tests may set it.
	Now func() time.Time
}

// Enabled reports whether a webhook is configured.
func (w *Webhook) Enabled() bool { return w != nil && w.URL != "" }

// Payload is the body of the plain JSON format.
type Payload struct {
	Key       string            `json:"key"`
	Kind      domain.NoticeKind `json:"kind"`
	ProblemID int64             `json:"problem_id"`
	MeasureID int64             `json:"measure_id,omitempty"`
	Message   string            `json:"message"`
	At        time.Time         `json:"at"`
}

// Signature headers of the plain JSON format: the receiver recomputes
// HMAC-SHA256(secret, timestamp + "." + body) and compares.
const (
	SignatureHeader = "X-Rectify-Signature"
	TimestampHeader = "X-Rectify-Timestamp"
	KeyHeader       = "X-Rectify-Key"
)

// Sign returns the signature of body at timestamp ts.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send posts n. A non-2xx answer is an error, so the activity retries.
func (w *Webhook) Send(ctx context.Context, n domain.Notice) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().UnixMilli(), 10)
	target := w.URL
	var body []byte
	var err error
	switch w.Format {
	case "dingtalk", "wecom":
		// Both robots take {"msgtype":"text","text":{"content":…}}.
		body, err = json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": n.Message}})
		if w.Format == "dingtalk" && w.Secret != "" {
			mac := hmac.New(sha256.New, []byte(w.Secret))
			mac.Write([]byte(ts + "\n" + w.Secret))
			u, perr := url.Parse(w.URL)
			if perr != nil {
				return perr
			}
			q := u.Query()
			q.Set("timestamp", ts)
			q.Set("sign", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
			u.RawQuery = q.Encode()
			target = u.String()
		}
	default:
		body, err = json.Marshal(Payload{Key: n.Key, Kind: n.Kind, ProblemID: n.ProblemID, MeasureID: n.MeasureID, Message: n.Message, At: n.At})
	}
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(KeyHeader, n.Key)
	req.Header.Set(TimestampHeader, ts)
	if w.Secret != "" {
		req.Header.Set(SignatureHeader, Sign(w.Secret, ts, body))
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
