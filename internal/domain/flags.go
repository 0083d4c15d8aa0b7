package domain

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Red flags (风险线索) point a discipline group at closures that may be on
// paper only (虚假整改). They are computed from the records when those
// change, advise and never block; a person dismisses one with a reason.

// FlagKind names a red flag's rule.
type FlagKind string

// The rules.
const (
	// FlagEvidenceReused: a file already given as evidence of another
	// problem, by another unit, or in an earlier campaign.
	FlagEvidenceReused FlagKind = "evidence_reused"
	// FlagEvidenceLastMinute: all of a measure's evidence uploaded just
	// before the closure request, after a long silence.
	FlagEvidenceLastMinute FlagKind = "evidence_last_minute"
	// FlagTextOnlyClosure: a closure requested on text and justifications
	// alone, not one file.
	FlagTextOnlyClosure FlagKind = "text_only_closure"
	// FlagProgressJump: a measure from 0 to 100% in one report.
	FlagProgressJump FlagKind = "progress_jump"
	// FlagQuickApproval: a closure with many files approved within minutes.
	FlagQuickApproval FlagKind = "quick_approval"
	// FlagCopiedText: a report or summary nearly identical to another
	// problem's.
	FlagCopiedText FlagKind = "copied_text"
)

var flagKinds = []FlagKind{FlagEvidenceReused, FlagEvidenceLastMinute, FlagTextOnlyClosure, FlagProgressJump, FlagQuickApproval, FlagCopiedText}

// FlagKinds returns every kind in the order pages list them.
func FlagKinds() []FlagKind { return slices.Clone(flagKinds) }

// Valid reports whether k is a known kind.
func (k FlagKind) Valid() bool { return slices.Contains(flagKinds, k) }

// MessageKey is the catalogue key of the flag's explanation.
func (k FlagKind) MessageKey() string { return "flag." + string(k) }

// FlagRefs are the records a flag rests on.
type FlagRefs struct {
	ProblemID   int64   `json:"problem_id"`
	MeasureIDs  []int64 `json:"measure_ids,omitempty"`
	EvidenceIDs []int64 `json:"evidence_ids,omitempty"`
	// EventSeqs are the problem's events (progress reports, closure
	// request and decision) by their seq.
	EventSeqs []int64 `json:"event_seqs,omitempty"`
	// OtherProblemIDs and OtherEvidenceIDs are the records elsewhere a
	// reuse or a copy matches.
	OtherProblemIDs  []int64 `json:"other_problem_ids,omitempty"`
	OtherEvidenceIDs []int64 `json:"other_evidence_ids,omitempty"`
}

// Flag is one red flag on a problem.
type Flag struct {
	ID         int64    `json:"id"`
	CampaignID int64    `json:"campaign_id"`
	ProblemID  int64    `json:"problem_id"`
	Kind       FlagKind `json:"kind"`
	// Subject names what in the problem the flag is about (a file, a
	// measure, a report); (problem, kind, subject) is unique, so computing
	// again finds the same flag.
	Subject string         `json:"subject"`
	Params  map[string]any `json:"params,omitempty"`
	// Message is the explanation rendered in the reader's language.
	Message         string    `json:"message"`
	Refs            FlagRefs  `json:"refs"`
	CreatedAt       time.Time `json:"created_at"`
	Dismissed       bool      `json:"dismissed"`
	DismissedBy     int64     `json:"dismissed_by,omitempty"`
	DismissedByName string    `json:"dismissed_by_name,omitempty"`
	DismissedReason string    `json:"dismissed_reason,omitempty"`
	DismissedAt     time.Time `json:"dismissed_at,omitzero"`
}

// FlagRef names the flag a dismissal is about, as its event records it.
type FlagRef struct {
	ID      int64    `json:"flag_id"`
	Kind    FlagKind `json:"kind"`
	Subject string   `json:"subject,omitempty"`
}

// FlagPolicy is a campaign's red-flag thresholds; zero values take the
// defaults.
type FlagPolicy struct {
	// LastMinuteWindow: evidence this close before a closure request is
	// last-minute (default 24h) ...
	LastMinuteWindow time.Duration `json:"last_minute_window,omitempty"`
	// SilenceBefore: ... when no progress was reported this long before it
	// (default 30 days).
	SilenceBefore time.Duration `json:"silence_before,omitempty"`
	// QuickApprovalWithin and QuickApprovalFiles: an approval this soon
	// after the request reached the supervisor (default 2m), of a closure
	// with more files than this (default 3).
	QuickApprovalWithin time.Duration `json:"quick_approval_within,omitempty"`
	QuickApprovalFiles  int           `json:"quick_approval_files,omitempty"`
	// CopiedSimilarity is the 3-character-shingle Jaccard similarity from
	// which two texts count as copied, in percent (default 90).
	CopiedSimilarity int `json:"copied_similarity,omitempty"`
	// CopiedMinChars: shorter texts are never compared (default 20).
	CopiedMinChars int `json:"copied_min_chars,omitempty"`
}

// Default red-flag thresholds (issue 18).
const (
	DefaultLastMinuteWindow    = 24 * time.Hour
	DefaultSilenceBefore       = 30 * 24 * time.Hour
	DefaultQuickApprovalWithin = 2 * time.Minute
	DefaultQuickApprovalFiles  = 3
	DefaultCopiedSimilarity    = 90
	DefaultCopiedMinChars      = 20
)

// WithDefaults fills unset thresholds.
func (f FlagPolicy) WithDefaults() FlagPolicy {
	setD := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	setI := func(n *int, def int) {
		if *n <= 0 {
			*n = def
		}
	}
	setD(&f.LastMinuteWindow, DefaultLastMinuteWindow)
	setD(&f.SilenceBefore, DefaultSilenceBefore)
	setD(&f.QuickApprovalWithin, DefaultQuickApprovalWithin)
	setI(&f.QuickApprovalFiles, DefaultQuickApprovalFiles)
	setI(&f.CopiedSimilarity, DefaultCopiedSimilarity)
	setI(&f.CopiedMinChars, DefaultCopiedMinChars)
	return f
}

// IsZero reports whether no threshold is set.
func (f FlagPolicy) IsZero() bool { return f == FlagPolicy{} }

// Validate checks that every set threshold is sensible.
func (f FlagPolicy) Validate() error {
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"flags.last_minute_window", f.LastMinuteWindow}, {"flags.silence_before", f.SilenceBefore}, {"flags.quick_approval_within", f.QuickApprovalWithin}} {
		if d.d < 0 || d.d > 365*24*time.Hour {
			return Errorf(EInvalid, "%s must be between 0 and 8760h", d.name).WithKey("policy_range", "field", d.name).WithField(d.name)
		}
	}
	switch {
	case f.QuickApprovalFiles < 0 || f.QuickApprovalFiles > 1000:
		return Errorf(EInvalid, "flags.quick_approval_files must be between 0 and 1000").WithKey("policy_flag_range", "field", "flags.quick_approval_files").WithField("flags.quick_approval_files")
	case f.CopiedSimilarity < 0 || f.CopiedSimilarity > 100:
		return Errorf(EInvalid, "flags.copied_similarity is a percentage").WithKey("policy_flag_range", "field", "flags.copied_similarity").WithField("flags.copied_similarity")
	case f.CopiedMinChars < 0 || f.CopiedMinChars > MaxTextLen:
		return Errorf(EInvalid, "flags.copied_min_chars is out of range").WithKey("policy_flag_range", "field", "flags.copied_min_chars").WithField("flags.copied_min_chars")
	}
	return nil
}

type flagPolicyJSON struct {
	LastMinuteWindow    string `json:"last_minute_window,omitempty"`
	SilenceBefore       string `json:"silence_before,omitempty"`
	QuickApprovalWithin string `json:"quick_approval_within,omitempty"`
	QuickApprovalFiles  int    `json:"quick_approval_files,omitempty"`
	CopiedSimilarity    int    `json:"copied_similarity,omitempty"`
	CopiedMinChars      int    `json:"copied_min_chars,omitempty"`
}

// MarshalJSON writes durations as text, like the rest of the policy.
func (f FlagPolicy) MarshalJSON() ([]byte, error) {
	str := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	return json.Marshal(flagPolicyJSON{str(f.LastMinuteWindow), str(f.SilenceBefore), str(f.QuickApprovalWithin), f.QuickApprovalFiles, f.CopiedSimilarity, f.CopiedMinChars})
}

// UnmarshalJSON reads durations as "24h", "30d" or "120s".
func (f *FlagPolicy) UnmarshalJSON(b []byte) error {
	var in flagPolicyJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return Errorf(EInvalid, "policy.flags must be an object of thresholds").WithKey("policy_invalid").WithField("policy")
	}
	out := FlagPolicy{QuickApprovalFiles: in.QuickApprovalFiles, CopiedSimilarity: in.CopiedSimilarity, CopiedMinChars: in.CopiedMinChars}
	for _, d := range []struct {
		name string
		s    string
		dst  *time.Duration
	}{{"flags.last_minute_window", in.LastMinuteWindow, &out.LastMinuteWindow}, {"flags.silence_before", in.SilenceBefore, &out.SilenceBefore}, {"flags.quick_approval_within", in.QuickApprovalWithin, &out.QuickApprovalWithin}} {
		v, err := ParsePolicyDuration(d.name, d.s)
		if err != nil {
			return err
		}
		*d.dst = v
	}
	*f = out
	return nil
}

// FlagProgress is one progress report as the rules read it.
type FlagProgress struct {
	Seq       int64     `json:"seq"`
	MeasureID int64     `json:"measure_id"`
	Percent   *int      `json:"percent,omitempty"`
	At        time.Time `json:"at"`
}

// EvidenceMatch is a live file elsewhere with the same SHA-256 as one of the
// problem's, uploaded before it.
type EvidenceMatch struct {
	EvidenceID      int64 `json:"evidence_id"`
	OtherEvidenceID int64 `json:"other_evidence_id"`
	OtherProblemID  int64 `json:"other_problem_id"`
	OtherUnitID     int64 `json:"other_unit_id"`
	OtherCampaignID int64 `json:"other_campaign_id"`
	// OtherNumber names the other problem in its campaign.
	OtherNumber int `json:"other_number"`
}

// TextMatch is an earlier text of another problem similar to one of this
// problem's texts.
type TextMatch struct {
	// Source names this problem's text: "progress:<seq>",
	// "completion:<measure>" or "closure:<seq>".
	Source         string `json:"source"`
	OtherProblemID int64  `json:"other_problem_id"`
	OtherNumber    int    `json:"other_number"`
	// Similarity is the Jaccard similarity of their 3-character shingles.
	Similarity float64 `json:"similarity"`
}

// FlagInput is everything the rules read about one problem: its records and
// what the store found elsewhere.
type FlagInput struct {
	Problem  Problem
	Evidence []Evidence
	Progress []FlagProgress
	Events   []Event
	Reused   []EvidenceMatch
	Copied   []TextMatch
}

// ComputeFlags applies every rule to one problem's records. It is pure:
// the same records give the same flags, in kind then subject order.
func ComputeFlags(in FlagInput, pol FlagPolicy) []Flag {
	pol = pol.WithDefaults()
	var out []Flag
	add := func(kind FlagKind, subject string, refs FlagRefs, params map[string]any) {
		refs.ProblemID = in.Problem.ID
		out = append(out, Flag{CampaignID: in.Problem.CampaignID, ProblemID: in.Problem.ID, Kind: kind, Subject: subject, Refs: refs, Params: params})
	}
	live := make([]Evidence, 0, len(in.Evidence))
	byID := map[int64]Evidence{}
	for _, e := range in.Evidence {
		if !e.Withdrawn {
			live = append(live, e)
			byID[e.ID] = e
		}
	}
	reusedFlags(in, byID, add)
	request, approvals := closureEvents(in.Events)
	if request != nil {
		lastMinuteFlags(in, live, *request, pol, add)
		textOnlyFlag(in, *request, add)
	}
	progressJumpFlags(in, add)
	quickApprovalFlags(in.Events, approvals, pol, add)
	copiedFlags(in, pol, add)
	slices.SortStableFunc(out, func(a, b Flag) int {
		if c := slices.Index(flagKinds, a.Kind) - slices.Index(flagKinds, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
	return out
}

type addFlag func(kind FlagKind, subject string, refs FlagRefs, params map[string]any)

// reusedFlags: one flag per reused file. The same file twice within the
// problem from the same unit (one document for two measures) is no reuse.
func reusedFlags(in FlagInput, own map[int64]Evidence, add addFlag) {
	bySHA := map[string][]EvidenceMatch{}
	var order []string
	for _, m := range in.Reused {
		e, ok := own[m.EvidenceID]
		if !ok || e.SHA256 == "" || m.OtherEvidenceID >= e.ID {
			continue
		}
		if m.OtherProblemID == in.Problem.ID && m.OtherUnitID == e.UnitID {
			continue
		}
		if _, seen := bySHA[e.SHA256]; !seen {
			order = append(order, e.SHA256)
		}
		bySHA[e.SHA256] = append(bySHA[e.SHA256], m)
	}
	for _, sha := range order {
		ms := bySHA[sha]
		var refs FlagRefs
		var where []string
		for _, m := range ms {
			e := own[m.EvidenceID]
			refs.EvidenceIDs = appendUnique(refs.EvidenceIDs, e.ID)
			refs.MeasureIDs = appendUnique(refs.MeasureIDs, e.MeasureID)
			refs.OtherEvidenceIDs = appendUnique(refs.OtherEvidenceIDs, m.OtherEvidenceID)
			if m.OtherProblemID != in.Problem.ID {
				refs.OtherProblemIDs = appendUnique(refs.OtherProblemIDs, m.OtherProblemID)
			}
			switch {
			case m.OtherCampaignID != in.Problem.CampaignID:
				where = appendUnique(where, "campaign")
			case m.OtherProblemID != in.Problem.ID:
				where = appendUnique(where, "problem")
			default:
				where = appendUnique(where, "unit")
			}
		}
		first := own[ms[0].EvidenceID]
		others := make([]string, 0, len(ms))
		for _, m := range ms {
			if m.OtherProblemID != in.Problem.ID {
				others = appendUnique(others, fmt.Sprintf("#%d", m.OtherProblemID))
			}
		}
		add(FlagEvidenceReused, "sha:"+sha, refs, map[string]any{
			"title": first.Title, "file": first.OriginalName, "count": len(refs.OtherEvidenceIDs),
			"where": strings.Join(where, ","), "problems": strings.Join(others, "、"),
		})
	}
}

// closureEvents returns the last closure request and every approval.
func closureEvents(events []Event) (request *Event, approvals []Event) {
	for i := range events {
		switch events[i].Action {
		case ActionRequestClosure:
			request = &events[i]
		case ActionApproveClosure:
			approvals = append(approvals, events[i])
		}
	}
	return request, approvals
}

// lastMinuteFlags: every piece of a measure's evidence came within the
// window before the closure request, and no progress was reported on it for
// the silence before the first of them.
func lastMinuteFlags(in FlagInput, live []Evidence, request Event, pol FlagPolicy, add addFlag) {
	started := planApprovedAt(in.Events)
	for _, m := range in.Problem.Measures {
		var ids []int64
		var first time.Time
		all := true
		for _, e := range live {
			if e.MeasureID != m.ID || e.CreatedAt.After(request.At) {
				continue
			}
			ids = append(ids, e.ID)
			if request.At.Sub(e.CreatedAt) > pol.LastMinuteWindow {
				all = false
			}
			if first.IsZero() || e.CreatedAt.Before(first) {
				first = e.CreatedAt
			}
		}
		if len(ids) == 0 || !all {
			continue
		}
		// The silence runs from the last report before the uploads, or from
		// when the measure was taken on when there was none.
		since := started
		if m.AcknowledgedAt.After(since) {
			since = m.AcknowledgedAt
		}
		for _, pr := range in.Progress {
			if pr.MeasureID == m.ID && pr.At.Before(first) && pr.At.After(since) {
				since = pr.At
			}
		}
		if since.IsZero() || first.Sub(since) < pol.SilenceBefore {
			continue
		}
		add(FlagEvidenceLastMinute, fmt.Sprintf("measure:%d", m.ID), FlagRefs{MeasureIDs: []int64{m.ID}, EvidenceIDs: ids, EventSeqs: []int64{request.Seq}},
			map[string]any{"measure": m.ID, "files": len(ids), "hours": int(pol.LastMinuteWindow.Hours()), "days": int(first.Sub(since).Hours() / 24)})
	}
}

func planApprovedAt(events []Event) time.Time {
	var at time.Time
	for _, e := range events {
		if e.Action == ActionApprovePlan {
			at = e.At
		}
	}
	return at
}

// closureRefs reads the evidence a closure event recorded.
func closureRefs(ev Event) []EvidenceRef {
	var payload struct {
		Evidence []EvidenceRef `json:"evidence"`
	}
	_ = json.Unmarshal(ev.Payload, &payload) // a payload without evidence names none
	return payload.Evidence
}

// textOnlyFlag: the last closure request carried no file at all.
func textOnlyFlag(in FlagInput, request Event, add addFlag) {
	if len(in.Problem.Measures) == 0 {
		return
	}
	refs := closureRefs(request)
	var ids []int64
	for _, r := range refs {
		if r.SHA256 != "" {
			return
		}
		ids = append(ids, r.ID)
	}
	measures := make([]int64, len(in.Problem.Measures))
	for i, m := range in.Problem.Measures {
		measures[i] = m.ID
	}
	add(FlagTextOnlyClosure, fmt.Sprintf("closure:%d", request.Seq), FlagRefs{MeasureIDs: measures, EvidenceIDs: ids, EventSeqs: []int64{request.Seq}},
		map[string]any{"measures": len(measures), "texts": len(ids)})
}

// progressJumpFlags: a report of 100% on a measure whose last reported
// percentage was 0 or none.
func progressJumpFlags(in FlagInput, add addFlag) {
	last := map[int64]int{}
	for _, pr := range in.Progress {
		if pr.Percent == nil {
			continue
		}
		if *pr.Percent == 100 && last[pr.MeasureID] == 0 {
			add(FlagProgressJump, fmt.Sprintf("progress:%d", pr.Seq), FlagRefs{MeasureIDs: []int64{pr.MeasureID}, EventSeqs: []int64{pr.Seq}},
				map[string]any{"measure": pr.MeasureID})
		}
		last[pr.MeasureID] = *pr.Percent
	}
}

// quickApprovalFlags: an approval soon after the request reached the
// supervisor (its request, or the unit head's endorsement of it), of a
// closure with more files than the threshold.
func quickApprovalFlags(events []Event, approvals []Event, pol FlagPolicy, add addFlag) {
	for _, a := range approvals {
		var reached *Event
		for i := range events {
			e := &events[i]
			if e.Seq < a.Seq && (e.Action == ActionRequestClosure || e.Action == ActionEndorseClosure) {
				reached = e
			}
		}
		if reached == nil {
			continue
		}
		files := 0
		var ids []int64
		for _, r := range closureRefs(a) {
			if r.SHA256 != "" {
				files++
				ids = append(ids, r.ID)
			}
		}
		took := a.At.Sub(reached.At)
		if files <= pol.QuickApprovalFiles || took >= pol.QuickApprovalWithin {
			continue
		}
		add(FlagQuickApproval, fmt.Sprintf("approval:%d", a.Seq), FlagRefs{EvidenceIDs: ids, EventSeqs: []int64{reached.Seq, a.Seq}},
			map[string]any{"files": files, "seconds": int(took.Seconds()), "actor": a.ActorName})
	}
}

// copiedFlags: one flag per text of this problem with a near copy
// elsewhere, naming the closest.
func copiedFlags(in FlagInput, pol FlagPolicy, add addFlag) {
	best := map[string]TextMatch{}
	var order []string
	others := map[string][]int64{}
	for _, m := range in.Copied {
		if m.OtherProblemID == in.Problem.ID || m.Similarity*100 < float64(pol.CopiedSimilarity) {
			continue
		}
		b, seen := best[m.Source]
		if !seen {
			order = append(order, m.Source)
		}
		if !seen || m.Similarity > b.Similarity {
			best[m.Source] = m
		}
		others[m.Source] = appendUnique(others[m.Source], m.OtherProblemID)
	}
	for _, src := range order {
		m := best[src]
		refs := FlagRefs{OtherProblemIDs: others[src]}
		kind, n, _ := strings.Cut(src, ":")
		var id int64
		_, _ = fmt.Sscan(n, &id)
		switch kind {
		case "completion":
			refs.MeasureIDs = []int64{id}
		default:
			refs.EventSeqs = []int64{id}
		}
		add(FlagCopiedText, src, refs, map[string]any{
			"text": kind, "percent": int(m.Similarity*100 + 0.5), "problem": fmt.Sprintf("#%d", m.OtherProblemID),
		})
	}
}

func appendUnique[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// Text similarity: Jaccard on 3-character shingles of the text with
// whitespace and punctuation removed, so re-spacing or re-punctuating a
// copy does not hide it.

// ShingleSize is the length of the character shingles texts are compared by.
const ShingleSize = 3

// Shingles returns the set of hashed 3-character shingles of text, sorted.
func Shingles(text string) []uint64 {
	var rs []rune
	for _, r := range text {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		rs = append(rs, unicode.ToLower(r))
	}
	if len(rs) < ShingleSize {
		return nil
	}
	out := make([]uint64, 0, len(rs)-ShingleSize+1)
	for i := 0; i+ShingleSize <= len(rs); i++ {
		h := fnv.New64a()
		_, _ = h.Write([]byte(string(rs[i : i+ShingleSize])))
		out = append(out, h.Sum64())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TextRunes counts the characters shingles are taken from.
func TextRunes(text string) int {
	n := 0
	for _, r := range text {
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			n++
		}
	}
	return n
}

// Jaccard is the similarity of two sorted shingle sets.
func Jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// MinHash banding finds the candidates for a copy by index instead of
// comparing a text with every other: BandCount bands of BandRows minimum
// hashes each. Two texts share a band with probability 1-(1-s^4)^5: 99.5% at
// similarity 0.9, 28% at 0.5, 4% at 0.3; candidates are then compared exactly.
const (
	BandCount = 5
	BandRows  = 4
)

// TextBands returns a text's band keys (nil for a text with no shingles).
// Each key hashes its band's number with its rows, so keys of different
// bands never collide by position.
func TextBands(shingles []uint64) []int64 {
	if len(shingles) == 0 {
		return nil
	}
	bands := make([]int64, BandCount)
	for b := 0; b < BandCount; b++ {
		h := fnv.New64a()
		var buf [8]byte
		for r := 0; r < BandRows; r++ {
			seed := uint64(b*BandRows+r)*0x9E3779B97F4A7C15 + 1
			minimum := ^uint64(0)
			for _, s := range shingles {
				if v := mix64(s ^ seed); v < minimum {
					minimum = v
				}
			}
			for i := range buf {
				buf[i] = byte(minimum >> (8 * i))
			}
			_, _ = h.Write(buf[:])
		}
		_, _ = h.Write([]byte{byte(b)})
		bands[b] = int64(h.Sum64() >> 1) // positive, for any SQL integer
	}
	return bands
}

// mix64 is a 64-bit finaliser (splitmix64): one independent-enough hash per
// seed for MinHash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// FlagText is one text of a problem the copy rule compares: a progress
// report, a completion summary or a closure summary.
type FlagText struct {
	Source string
	Text   string
}

// FlagTexts lists the texts of a problem worth comparing (long enough).
func FlagTexts(p Problem, progress []FlagProgressText, events []Event, pol FlagPolicy) []FlagText {
	pol = pol.WithDefaults()
	var out []FlagText
	keep := func(src, text string) {
		if TextRunes(text) >= pol.CopiedMinChars {
			out = append(out, FlagText{Source: src, Text: text})
		}
	}
	for _, pr := range progress {
		keep(fmt.Sprintf("progress:%d", pr.Seq), pr.Text)
	}
	for _, m := range p.Measures {
		if m.Completed {
			keep(fmt.Sprintf("completion:%d", m.ID), m.CompletionSummary)
		}
	}
	for _, e := range events {
		if e.Action == ActionRequestClosure {
			keep(fmt.Sprintf("closure:%d", e.Seq), e.Reason)
		}
	}
	return out
}

// FlagProgressText is a progress report's text and seq.
type FlagProgressText struct {
	Seq  int64
	Text string
}
