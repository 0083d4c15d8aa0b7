// Package importer reads the files a campaign is filled from — a ledger
// (整改台账) as .xlsx or .csv in the documented template, or the published
// text of a report (.txt, .md, .docx) — into one Plan: the problems and
// their measures, validated and with every rejected row listed. It is pure:
// it writes nothing, knows no database and resolves no unit names; the
// service checks the plan against the store and writes it in one
// transaction.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/reporttext"
)

// MaxFileSize bounds an imported file. Real ledgers and reports are well
// under a megabyte; the cap is checked before anything is parsed, so a wrong
// or hostile upload costs at most this much memory.
const MaxFileSize = 20 << 20

// MaxRows bounds the data rows of a ledger.
const MaxRows = 20000

// maxListedRows bounds how many rejected rows an error message spells out;
// the structured list (Rejected.Rows) keeps them all.
const maxListedRows = 20

// Formats an import may come in.
const (
	FormatLedger = "ledger" // .xlsx, .csv
	FormatText   = "text"   // .txt, .md, .docx, .html, pasted text
)

// Accepted names the file types an import takes, for messages.
const Accepted = "a ledger (.xlsx, .csv) or a report (.txt, .md, .docx, .html, .htm)"

// Plan is what a file says: problems in file order, each with its measures.
// A report text also gives its groups (problems made of sub-problems, kept
// as headings), what its headline states, and warnings about what looks
// wrong.
type Plan struct {
	Format   string             `json:"-"`
	Problems []Problem          `json:"problems"`
	Groups   []Group            `json:"groups"`
	Summary  reporttext.Summary `json:"summary"`
	Warnings []string           `json:"warnings"`
}

// Group is a problem heading whose body is only sub-problems: each
// sub-problem is a problem with it as parent.
type Group struct {
	Number  int    `json:"number"`
	Section string `json:"section"`
	Title   string `json:"title"`
}

// Parent names the group of a sub-problem.
type Parent struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
}

// Problem is one problem of a plan. A ledger's rows with the same number
// are its measures.
type Problem struct {
	Number      int       `json:"number"`
	Section     string    `json:"section"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Parent      *Parent   `json:"parent,omitempty"`
	Measures    []Measure `json:"measures"`
	// Row is the first row (ledger) that names the problem, for messages.
	Row int `json:"-"`
}

// Measure is one measure of a problem. Text-imported measures carry only
// Title and Text; ledger measures carry the responsibility list too, with
// units by name (the service resolves them).
type Measure struct {
	Title    string             `json:"title"`
	Text     string             `json:"text"`
	Kind     domain.MeasureKind `json:"kind,omitempty"`
	LeadUnit string             `json:"lead_unit,omitempty"`
	CoUnits  []string           `json:"co_units,omitempty"`
	Leader   string             `json:"responsible_leader,omitempty"`
	Deadline domain.Date        `json:"deadline,omitempty"`
	Row      int                `json:"-"`
}

// RowError is one rejected row (0 when the problem is not from a row, as in
// a text import) and why.
type RowError struct {
	Row int `json:"row"`
	// Label names the problem in a report read as text (第三个问题), which
	// has no rows.
	Label  string `json:"label,omitempty"`
	Reason string `json:"reason"`
	// Key and Params name the reason in the catalogues (internal/i18n), so
	// that the front ends show it in the reader's language; Reason is the
	// English text.
	Key    string         `json:"key,omitempty"`
	Params map[string]any `json:"params,omitempty"`
}

// WithKey sets the reason's catalogue key and parameters (name, value
// pairs), as domain.Error.WithKey does.
func (e *RowError) WithKey(key string, kv ...any) *RowError {
	e.Key, e.Params = key, domain.Params(kv...)
	return e
}

func (e RowError) String() string {
	if e.Row == 0 {
		return e.Reason
	}
	return fmt.Sprintf("row %d: %s", e.Row, e.Reason)
}

// Rejected is an import refused because of its rows. It is an invalid
// domain error whose message lists the rows, so every client sees why; the
// API also sends Rows as a list.
type Rejected struct {
	Rows []RowError
}

func (r *Rejected) Error() string { return r.domainError().Error() }

// Unwrap makes errors.As find the *domain.Error, so the code is invalid.
func (r *Rejected) Unwrap() error { return r.domainError() }

func (r *Rejected) domainError() *domain.Error {
	parts := make([]string, 0, min(len(r.Rows), maxListedRows))
	for i, row := range r.Rows {
		if i == maxListedRows {
			break
		}
		parts = append(parts, row.String())
	}
	more := ""
	if len(r.Rows) > maxListedRows {
		more = fmt.Sprintf("; and %d more", len(r.Rows)-maxListedRows)
	}
	return domain.Errorf(domain.EInvalid, "import rejected, nothing was written (%d rows): %s%s",
		len(r.Rows), strings.Join(parts, "; "), more).WithKey("import_rejected", "count", len(r.Rows))
}

// rejections collects row errors while a file is read.
type rejections []RowError

func (r *rejections) add(row int, format string, args ...any) *RowError {
	*r = append(*r, RowError{Row: row, Reason: fmt.Sprintf(format, args...)})
	return &(*r)[len(*r)-1]
}

// addErr adds a domain rule's refusal of a row, with its key.
func (r *rejections) addErr(row int, err error) *RowError {
	e := r.add(row, "%s", domain.ErrorMessage(err))
	if de := domain.AsError(err); de != nil {
		e.Key, e.Params = de.Key, de.Params
	}
	return e
}

func (r rejections) err() error {
	if len(r) == 0 {
		return nil
	}
	return &Rejected{Rows: r}
}

// Read reads a file by the format its name says and returns its plan. now
// is the clock against which deadlines must lie in the future. Every
// failure is a domain error: a bad file is invalid with a clear message, a
// bad row makes a *Rejected.
func Read(name string, r io.Reader, now time.Time) (*Plan, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".xlsx", ".csv", ".txt", ".md", ".docx", ".html", ".htm":
	case ".xls", ".doc", ".wps", ".et":
		return nil, unsupported(domain.Errorf(domain.EInvalid, "%s files (the old Office format) cannot be read: save the file as .xlsx or .docx; accepted: %s", ext, Accepted).WithKey("import_old_office", "ext", ext, "accepted", Accepted).WithField("file"))
	default:
		return nil, unsupported(domain.Errorf(domain.EInvalid, "unsupported file type %q: import %s", ext, Accepted).WithKey("import_type_unsupported", "ext", ext, "accepted", Accepted).WithField("file"))
	}
	data, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	switch ext {
	case ".xlsx":
		return readXLSX(data, now)
	case ".csv":
		return readCSV(data, now)
	case ".docx":
		text, err := DocxText(data)
		if err != nil {
			return nil, err
		}
		return readText(text)
	}
	text, err := DecodeText(data)
	if err != nil {
		return nil, err
	}
	if ext == ".html" || ext == ".htm" {
		if text, err = HTMLText(text); err != nil {
			return nil, err
		}
	}
	return readText(text)
}

// ErrUnsupported is in the chain of every error for a file of a type an
// import does not take, or binary data where text was expected, so the
// API can answer 415.
var ErrUnsupported = errors.New("importer: unsupported file type")

func unsupported(e *domain.Error) error {
	return errors.Join(ErrUnsupported, e)
}

// readLimited reads at most MaxFileSize bytes and refuses more or none.
// Reading stops one byte past the limit, so a huge upload is refused after
// reading only that much.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		// The API's size cap cuts an upload off with an error of its own.
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, TooLarge()
		}
		return nil, domain.Errorf(domain.EInvalid, "the file could not be read").WithKey("file_unreadable").WithField("file")
	}
	if len(data) > MaxFileSize {
		return nil, TooLarge()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, domain.Errorf(domain.EInvalid, "the file is empty").WithKey("import_file_empty").WithField("file")
	}
	return data, nil
}

// ErrTooLarge is in the chain of every too-large error (errors.Is), so the
// API can answer 413 rather than 400.
var ErrTooLarge = errors.New("importer: file too large")

// TooLarge is the error for a file over MaxFileSize, or an upload cut off
// at the API's limit: an invalid domain error that is also ErrTooLarge.
func TooLarge() error {
	return errors.Join(ErrTooLarge, domain.Errorf(domain.EInvalid, "the file is larger than %d MB", MaxFileSize>>20).WithKey("file_too_large", "max_mb", MaxFileSize>>20).WithField("file"))
}
