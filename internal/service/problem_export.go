package service

import (
	"context"
	"io"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/ledger"
	"github.com/rectify/rectify/internal/store"
)

// MaxExportProblems bounds one exported list.
const MaxExportProblems = 20000

// WriteProblemList writes the problems a list shows (its filter and order,
// every page, scoped to u as the list is) as a 台账 workbook.
func (s *Service) WriteProblemList(ctx context.Context, u domain.User, q store.ProblemQuery, w io.Writer) error {
	const page = 500
	var all []domain.Problem
	q.Limit = page
	for q.Offset = 0; q.Offset < MaxExportProblems; q.Offset += page {
		problems, total, err := s.SearchProblems(ctx, u, q)
		if err != nil {
			return err
		}
		all = append(all, problems...)
		if int64(q.Offset+page) >= total {
			break
		}
	}
	in := ledger.Input{Problems: all, Now: s.Now()}
	if q.CampaignID != 0 {
		sum, err := s.store.Campaign(ctx, q.CampaignID)
		if err != nil {
			return err
		}
		in.Campaign = sum.Campaign
		if in.Evidence, err = s.store.EvidenceCounts(ctx, q.CampaignID); err != nil {
			return err
		}
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return err
	}
	in.Units = make(map[int64]string, len(units))
	for _, un := range units {
		in.Units[un.ID] = un.Name
	}
	return ledger.Write(w, in)
}
