package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/service"
)

// uploadEvidence takes multipart fields title, note and file, streaming the
// file into the blob store; without a file part it records text evidence.
// The file part must come after title and note (as browsers and curl send
// the fields in form order).
func (s *Server) uploadEvidence(c *gin.Context) {
	in := service.EvidenceUpload{}
	var err error
	if in.ProblemID, err = pathID(c, "id"); err != nil {
		s.renderError(c, err)
		return
	}
	if in.MeasureID, err = pathID(c, "mid"); err != nil {
		s.renderError(c, err)
		return
	}
	// An upload is not idempotent: a retry with the same Idempotency-Key
	// (from any replica, within a day) answers the evidence the first made.
	if key, err := idempotencyKey(c); err != nil {
		s.renderError(c, err)
		return
	} else if key != "" {
		in.RequestKey = fmt.Sprintf("api:u%d:evidence:%d:%d:%s", currentUser(c).ID, in.ProblemID, in.MeasureID, key)
	}
	// The body may be at most the file limit plus room for the other fields.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.evidenceLimit+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		s.renderError(c, domain.Errorf(domain.EUnsupportedMedia, "send multipart/form-data with the fields title, note and file").WithKey("evidence_multipart"))
		return
	}
	// The file streams straight to storage when the title came first (as
	// browsers send the form); a file before its title is kept in a
	// temporary file until the other fields have been read.
	var spooled *os.File
	defer func() {
		if spooled != nil {
			spooled.Close()
			os.Remove(spooled.Name())
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			s.renderError(c, httpx.UploadError(err))
			return
		}
		switch part.FormName() {
		case "title", "note":
			v, err := io.ReadAll(io.LimitReader(part, domain.MaxTextLen*4+1))
			if err != nil {
				s.renderError(c, httpx.UploadError(err))
				return
			}
			if part.FormName() == "title" {
				in.Title = string(v)
			} else {
				in.Note = string(v)
			}
		case "file":
			if spooled != nil {
				s.renderError(c, domain.Errorf(domain.EInvalid, "send one file per upload").WithKey("evidence_one_file"))
				return
			}
			in.FileName = httpx.RawFileName(part)
			if in.Title != "" {
				in.Body = part
				s.addEvidence(c, in)
				return
			}
			if spooled, err = spool(part, s.evidenceLimit); err != nil {
				s.renderError(c, err)
				return
			}
			in.Body = spooled
		default:
			s.renderError(c, domain.Errorf(domain.EInvalid, "unknown form field %q", part.FormName()).WithKey("unknown_field", "field", part.FormName()))
			return
		}
	}
	s.addEvidence(c, in)
}

// spool copies a file part to a temporary file, at most limit+1 bytes (the
// service refuses a file over the limit), and rewinds it.
func spool(part io.Reader, limit int64) (*os.File, error) {
	f, err := os.CreateTemp("", "rectify-upload-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, io.LimitReader(part, limit+1)); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, httpx.UploadError(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

func (s *Server) addEvidence(c *gin.Context, in service.EvidenceUpload) {
	ev, err := s.svc.AddEvidence(c.Request.Context(), currentUser(c), in, s.evidenceLimit)
	if err != nil {
		s.renderError(c, httpx.UploadError(err))
		return
	}
	c.JSON(http.StatusCreated, ev)
}

func (s *Server) downloadEvidence(c *gin.Context) {
	id, err := pathID(c, "eid")
	if err != nil {
		s.renderError(c, err)
		return
	}
	ev, f, err := s.svc.OpenEvidence(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	httpx.ServeEvidence(c.Writer, c.Request, ev, f)
}

func (s *Server) listEvidence(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	items, err := s.svc.ListEvidence(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, int64(len(items))))
}

func (s *Server) withdrawEvidence(c *gin.Context) {
	id, err := pathID(c, "eid")
	if err != nil {
		s.renderError(c, err)
		return
	}
	ev, err := s.svc.WithdrawEvidence(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, ev)
}

type outcomeRequest struct {
	MeasureID flexID  `json:"measure_id"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	DocNumber string  `json:"doc_number"`
	Date      string  `json:"date"`
	Amount    float64 `json:"amount"`
	Count     int     `json:"count"`
	Unit      string  `json:"unit"`
}

func (s *Server) addOutcome(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var req outcomeRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	date, err := optionalDate("date", req.Date)
	if err != nil {
		s.renderError(c, err)
		return
	}
	o, err := s.svc.AddOutcome(c.Request.Context(), currentUser(c), domain.Outcome{
		ProblemID: id, MeasureID: int64(req.MeasureID), Kind: domain.OutcomeKind(req.Kind), Name: req.Name,
		DocNumber: req.DocNumber, Date: date, Amount: req.Amount, Count: req.Count, Unit: req.Unit,
	})
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, o)
}

func (s *Server) listOutcomes(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	items, err := s.svc.ListOutcomes(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, int64(len(items))))
}

// closureReviews lists pending closure requests, oldest first.
func (s *Server) closureReviews(c *gin.Context) {
	campaignID, err := queryID(c, "campaign_id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	items, err := s.svc.ClosureReviews(c.Request.Context(), currentUser(c), campaignID)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, int64(len(items))))
}
