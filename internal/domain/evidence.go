package domain

import (
	"bytes"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Evidence (佐证材料) is a file or a text a unit submits against a measure.
// Nothing is ever deleted: withdrawing marks it.
type Evidence struct {
	ID           int64     `json:"id"`
	ProblemID    int64     `json:"problem_id"`
	MeasureID    int64     `json:"measure_id"`
	Title        string    `json:"title"`
	Note         string    `json:"note,omitempty"`
	SHA256       string    `json:"sha256,omitempty"`
	OriginalName string    `json:"original_name,omitempty"`
	Size         int64     `json:"size"`
	ContentType  string    `json:"content_type,omitempty"`
	UploadedBy   int64     `json:"uploaded_by"`
	UploaderName string    `json:"uploader_name"`
	UnitID       int64     `json:"unit_id,omitempty"`
	Withdrawn    bool      `json:"withdrawn"`
	WithdrawnAt  time.Time `json:"withdrawn_at,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
}

// IsText reports whether the evidence is text only, without a file.
func (e *Evidence) IsText() bool { return e.SHA256 == "" }

// EvidenceRef names a piece of evidence by ID and content hash: a closure
// decision records the list it was taken on.
type EvidenceRef struct {
	ID        int64  `json:"id"`
	MeasureID int64  `json:"measure_id"`
	SHA256    string `json:"sha256,omitempty"`
}

// SanitizeFileName keeps an uploaded file's name safe to store and show:
// no directories, no control characters, at most 200 characters; Chinese
// and other letters are kept.
func SanitizeFileName(name string) (string, error) {
	if strings.ContainsAny(name, "/\\") || strings.Contains(name, "..") {
		return "", Errorf(EInvalid, "the file name %q may not contain a path", name).WithKey("file_name_path", "name", name).WithField("file")
	}
	name = strings.TrimSpace(name)
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '/' || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" || name == "." || name == ".." {
		return "", Errorf(EInvalid, "the file needs a name").WithKey("file_name_required").WithField("file")
	}
	if r := []rune(name); len(r) > 200 {
		ext := path.Ext(name)
		name = string(r[:200-len([]rune(ext))]) + ext
	}
	return name, nil
}

// allowedTypes maps extensions to the content type stored and served.
var allowedTypes = map[string]string{
	".pdf":  "application/pdf",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".txt":  "text/plain; charset=utf-8",
	".zip":  "application/zip",
}

// DetectFileType checks a file's first bytes against its name's extension
// and the allow-list, and returns the content type to store. A program
// renamed .pdf, or a zip renamed .jpg, is refused.
func DetectFileType(head []byte, name string) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	want, ok := allowedTypes[ext]
	if !ok {
		return "", Errorf(EInvalid, "files of type %q are not accepted: only pdf, doc/docx, xls/xlsx, ppt/pptx, jpg, png, txt and zip", ext).WithKey("file_type_refused", "ext", ext).WithField("file")
	}
	var family string
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		family = "pdf"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		family = "zip"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		family = "ole"
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		family = "jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		family = "png"
	case isText(head):
		family = "text"
	}
	expected := map[string]string{
		".pdf": "pdf", ".doc": "ole", ".xls": "ole", ".ppt": "ole", ".docx": "zip", ".xlsx": "zip", ".pptx": "zip",
		".zip": "zip", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".txt": "text",
	}[ext]
	if family != expected {
		return "", Errorf(EInvalid, "the content of %q is not a %s file", name, strings.TrimPrefix(ext, ".")).WithKey("file_content_mismatch", "name", name, "type", strings.TrimPrefix(ext, ".")).WithField("file")
	}
	return want, nil
}

// isText accepts UTF-8 (or GB 18030, common in offices) text without NULs.
func isText(head []byte) bool {
	if len(head) == 0 || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	for _, b := range head {
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' {
			return false
		}
	}
	return true
}

// OutcomeKind is what an outcome counts.
type OutcomeKind string

// Outcome kinds.
const (
	OutcomeRegulation OutcomeKind = "regulation" // 制度 created or revised (name, document number, date)
	OutcomeMoney      OutcomeKind = "money"      // yuan recovered or refunded
	OutcomePeople     OutcomeKind = "people"     // people handled (name = kind of handling, count)
	OutcomeFigure     OutcomeKind = "figure"     // a free figure (name = label, amount, unit)
)

// Outcome is a counted result of a problem's rectification, entered by its
// lead unit: reports count these as data, not prose.
type Outcome struct {
	ID        int64       `json:"id"`
	ProblemID int64       `json:"problem_id"`
	MeasureID int64       `json:"measure_id,omitempty"`
	Kind      OutcomeKind `json:"kind"`
	Name      string      `json:"name,omitempty"`
	DocNumber string      `json:"doc_number,omitempty"`
	Date      Date        `json:"date,omitempty"`
	Amount    float64     `json:"amount,omitempty"`
	Count     int         `json:"count,omitempty"`
	Unit      string      `json:"unit,omitempty"`
	CreatedBy int64       `json:"created_by"`
	CreatedAt time.Time   `json:"created_at"`
}

// Validate checks an outcome's fields for its kind.
func (o *Outcome) Validate() error {
	o.Name, o.DocNumber, o.Unit = strings.TrimSpace(o.Name), strings.TrimSpace(o.DocNumber), strings.TrimSpace(o.Unit)
	switch {
	case len([]rune(o.Name)) > MaxTitleLen || len([]rune(o.DocNumber)) > MaxNameLen || len([]rune(o.Unit)) > 50:
		return Errorf(EInvalid, "outcome fields are too long").WithKey("outcome_too_long")
	case o.Amount < 0 || o.Amount > 1e13 || o.Count < 0 || o.Count > 1e7:
		return Errorf(EInvalid, "amount and count must be positive and plausible").WithKey("outcome_amount_invalid")
	}
	switch o.Kind {
	case OutcomeRegulation:
		if o.Name == "" {
			return Errorf(EInvalid, "a regulation needs its name").WithKey("outcome_regulation_name").WithField("name")
		}
	case OutcomeMoney:
		if o.Amount <= 0 {
			return Errorf(EInvalid, "money recovered needs an amount in yuan").WithKey("outcome_money_amount").WithField("amount")
		}
	case OutcomePeople:
		if o.Name == "" || o.Count <= 0 {
			return Errorf(EInvalid, "people handled needs the kind of handling and a count").WithKey("outcome_people").WithField("count")
		}
	case OutcomeFigure:
		if o.Name == "" {
			return Errorf(EInvalid, "a figure needs a label").WithKey("outcome_figure_label").WithField("name")
		}
	default:
		return Errorf(EInvalid, "kind must be regulation, money, people or figure").WithKey("outcome_kind_invalid").WithField("kind")
	}
	return nil
}

// OutcomeTotals are a campaign's counted results.
type OutcomeTotals struct {
	Regulations   int     `json:"regulations"`
	MoneyYuan     float64 `json:"money_yuan"`
	PeopleHandled int     `json:"people_handled"`
}

// DefaultEvidenceMaxBytes bounds one evidence file unless configured
// (RECTIFY_EVIDENCE_MAX_MB); the API and the web form share it.
const DefaultEvidenceMaxBytes int64 = 50 << 20
