package service

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/rectify/rectify/internal/blob"
	"github.com/rectify/rectify/internal/domain"
)

// EvidenceUpload is one file (or text) submitted against a measure.
type EvidenceUpload struct {
	ProblemID int64
	MeasureID int64
	Title     string
	Note      string
	// FileName and Body are empty for text-only evidence.
	FileName string
	Body     io.Reader
	// RequestKey, when set, de-duplicates the upload across replicas: a
	// retry with the same key returns the evidence the first made.
	RequestKey string
}

// evidenceUploader checks that u may add evidence to the measure: a user of
// its lead unit or a co-unit, while the problem is being worked on.
func (s *Service) evidenceMeasure(ctx context.Context, u domain.User, problemID, measureID int64) (domain.Problem, error) {
	p, err := s.Problem(ctx, u, problemID)
	if err != nil {
		return p, err
	}
	m, err := p.Measure(measureID)
	if err != nil {
		return p, err
	}
	if u.Role != domain.RoleUnit || (u.UnitID != m.LeadUnitID && !slices.Contains(m.CoUnitIDs, u.UnitID)) {
		return p, domain.Errorf(domain.EForbidden, "only users of the measure's lead unit or co-units may add evidence").WithKey("evidence_units_only")
	}
	if p.Stage != domain.StageAssign && p.Stage != domain.StageExecute && p.Stage != domain.Stage("lookback") {
		return p, domain.Errorf(domain.EConflict, "evidence cannot be added while the problem is in stage %q", p.Stage).WithKey("evidence_wrong_stage", "stage", string(p.Stage))
	}
	return p, nil
}

// AddEvidence stores an uploaded file content-addressed and records it.
// The body is streamed: never held whole in memory, refused past limit, and
// nothing is stored when any check fails.
func (s *Service) AddEvidence(ctx context.Context, u domain.User, in EvidenceUpload, limit int64) (domain.Evidence, error) {
	title, err := domain.RequireText("title", in.Title)
	if err != nil {
		return domain.Evidence{}, err
	}
	note, err := domain.OptionalText("note", in.Note)
	if err != nil {
		return domain.Evidence{}, err
	}
	if _, err := s.evidenceMeasure(ctx, u, in.ProblemID, in.MeasureID); err != nil {
		return domain.Evidence{}, err
	}
	ev := domain.Evidence{
		ProblemID: in.ProblemID, MeasureID: in.MeasureID, Title: title, Note: note,
		UploadedBy: u.ID, UploaderName: u.Username, UnitID: u.UnitID,
	}
	if in.Body == nil {
		if note == "" {
			return domain.Evidence{}, domain.Errorf(domain.EInvalid, "text evidence needs a note (or attach a file)").WithKey("evidence_note_required").WithField("note")
		}
		saved, recorded, err := s.createEvidence(ctx, ev, in.RequestKey)
		if recorded {
			s.recomputeFlags(ctx, saved.ProblemID)
		}
		return saved, err
	}
	if ev.OriginalName, err = domain.SanitizeFileName(in.FileName); err != nil {
		return domain.Evidence{}, err
	}
	br := bufio.NewReaderSize(in.Body, 4096)
	head, err := br.Peek(512)
	if len(head) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return domain.Evidence{}, domain.Errorf(domain.EInvalid, "the file could not be read").WithKey("file_unreadable").WithField("file")
		}
		return domain.Evidence{}, domain.Errorf(domain.EInvalid, "the file %q is empty", ev.OriginalName).WithKey("file_empty", "name", ev.OriginalName).WithField("file")
	}
	if ev.ContentType, err = domain.DetectFileType(head, ev.OriginalName); err != nil {
		return domain.Evidence{}, err
	}
	up, err := s.Blobs.Create(ctx)
	if err != nil {
		return domain.Evidence{}, err
	}
	n, err := io.Copy(up, io.LimitReader(br, limit+1))
	if err != nil {
		_ = up.Abort()
		var de *domain.Error
		if errors.As(err, &de) {
			return domain.Evidence{}, de
		}
		return domain.Evidence{}, domain.Errorf(domain.EInvalid, "the upload was cut off; nothing was stored").WithKey("upload_cut_off").WithField("file")
	}
	if n > limit {
		_ = up.Abort()
		return domain.Evidence{}, domain.Errorf(domain.ETooLarge, "the file is larger than the limit of %d MB", limit>>20).WithKey("file_too_large", "max_mb", limit>>20).WithField("file")
	}
	sha, created, err := up.Commit()
	if err != nil {
		return domain.Evidence{}, err
	}
	ev.SHA256, ev.Size = sha, n
	saved, recorded, err := s.createEvidence(ctx, ev, in.RequestKey)
	if recorded {
		s.Metrics.AddEvidenceBytes(n)
		s.recomputeFlags(ctx, saved.ProblemID)
	}
	if created && (err != nil || saved.SHA256 != sha) {
		// Nothing half-stored: the record failed (or a retry answered an
		// earlier upload with other content), so the new file goes too.
		if rmErr := s.Blobs.Remove(ctx, sha); rmErr != nil {
			s.Logger.Warn("remove orphan blob", slog.String("sha256", sha), slog.Any("error", rmErr))
		}
	}
	return saved, err
}

// createEvidence records ev, once per key when key is set; recorded says
// whether a row was written now.
func (s *Service) createEvidence(ctx context.Context, ev domain.Evidence, key string) (domain.Evidence, bool, error) {
	if key == "" {
		saved, err := s.store.CreateEvidence(ctx, ev)
		return saved, err == nil, err
	}
	return s.store.CreateEvidenceOnce(ctx, ev, key)
}

// OpenEvidence returns evidence the user may see and its content (nil for
// text-only evidence).
func (s *Service) OpenEvidence(ctx context.Context, u domain.User, id int64) (domain.Evidence, io.ReadSeekCloser, error) {
	ev, err := s.store.Evidence(ctx, id)
	if err != nil {
		return ev, nil, err
	}
	if _, err := s.Problem(ctx, u, ev.ProblemID); err != nil {
		return ev, nil, err
	}
	if ev.IsText() {
		return ev, nil, nil
	}
	f, err := s.Blobs.Open(ctx, ev.SHA256)
	if errors.Is(err, blob.ErrNotFound) {
		return ev, nil, domain.Errorf(domain.ENotFound, "the file of evidence %d is missing from the store", id).WithKey("evidence_file_missing")
	}
	return ev, f, err
}

// ListEvidence returns a problem's evidence (withdrawn included, marked).
func (s *Service) ListEvidence(ctx context.Context, u domain.User, problemID int64) ([]domain.Evidence, error) {
	if _, err := s.Problem(ctx, u, problemID); err != nil {
		return nil, err
	}
	return s.store.ListEvidence(ctx, problemID)
}

// WithdrawEvidence marks evidence withdrawn: only its uploader, and only
// before a closure request.
func (s *Service) WithdrawEvidence(ctx context.Context, u domain.User, id int64) (domain.Evidence, error) {
	ev, err := s.store.Evidence(ctx, id)
	if err != nil {
		return ev, err
	}
	p, err := s.Problem(ctx, u, ev.ProblemID)
	if err != nil {
		return ev, err
	}
	switch {
	case ev.UploadedBy != u.ID:
		return ev, domain.Errorf(domain.EForbidden, "only the uploader may withdraw evidence").WithKey("evidence_uploader_only")
	case ev.Withdrawn:
		return ev, domain.Errorf(domain.EConflict, "evidence %d is already withdrawn", id).WithKey("evidence_withdrawn")
	case p.Stage != domain.StageAssign && p.Stage != domain.StageExecute:
		return ev, domain.Errorf(domain.EConflict, "evidence cannot be withdrawn once closure is requested (stage %q)", p.Stage).WithKey("evidence_withdraw_stage", "stage", string(p.Stage))
	}
	if err := s.store.WithdrawEvidence(ctx, id); err != nil {
		return ev, err
	}
	s.recomputeFlags(ctx, ev.ProblemID)
	return s.store.Evidence(ctx, id)
}

// AddOutcome records an outcome, entered by a user of the problem's lead
// unit.
func (s *Service) AddOutcome(ctx context.Context, u domain.User, o domain.Outcome) (domain.Outcome, error) {
	p, err := s.Problem(ctx, u, o.ProblemID)
	if err != nil {
		return o, err
	}
	if u.Role != domain.RoleUnit || u.UnitID != p.LeadUnitID {
		return o, domain.Errorf(domain.EForbidden, "only users of the problem's lead unit may enter outcomes").WithKey("outcome_lead_unit_only")
	}
	if o.MeasureID != 0 {
		if _, err := p.Measure(o.MeasureID); err != nil {
			return o, err
		}
	}
	if err := o.Validate(); err != nil {
		return o, err
	}
	o.CreatedBy = u.ID
	return s.store.CreateOutcome(ctx, o)
}

// ListOutcomes returns a problem's outcomes.
func (s *Service) ListOutcomes(ctx context.Context, u domain.User, problemID int64) ([]domain.Outcome, error) {
	if _, err := s.Problem(ctx, u, problemID); err != nil {
		return nil, err
	}
	return s.store.ListOutcomes(ctx, problemID)
}

// ClosureReview is a pending closure request with the evidence behind it.
type ClosureReview struct {
	Problem  domain.Problem    `json:"problem"`
	Since    time.Time         `json:"requested_at"`
	Evidence []domain.Evidence `json:"evidence"`
	// Missing lists the non-long-term measures with no live evidence.
	Missing []int64 `json:"measures_without_evidence"`
}

// ClosureReviews lists the pending closure requests of a campaign (0: all),
// oldest first, for supervisors and the leaders.
func (s *Service) ClosureReviews(ctx context.Context, u domain.User, campaignID int64) ([]ClosureReview, error) {
	if err := domain.RequireRole(u, "review closures", domain.RoleSupervisor, domain.RoleLeader, domain.RoleAdmin, domain.RoleDiscipline); err != nil {
		return nil, err
	}
	var out []ClosureReview
	for offset := 0; ; offset += 500 {
		problems, _, err := s.store.ListProblems(ctx, domain.ProblemFilter{CampaignID: campaignID, Stage: domain.StageVerify, Offset: offset, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, p := range problems {
			evidence, err := s.store.ListEvidence(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			r := ClosureReview{Problem: p.WithLights(s.Now()), Since: p.StageSince, Evidence: []domain.Evidence{}}
			has := map[int64]bool{}
			for _, e := range evidence {
				if !e.Withdrawn {
					r.Evidence = append(r.Evidence, e)
					has[e.MeasureID] = true
				}
			}
			for _, m := range p.Measures {
				if m.Kind != domain.KindLongTerm && !has[m.ID] {
					r.Missing = append(r.Missing, m.ID)
				}
			}
			out = append(out, r)
		}
		if len(problems) < 500 {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b ClosureReview) int { return a.Since.Compare(b.Since) })
	return out, nil
}
