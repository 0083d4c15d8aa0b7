package store_test

import (
	"context"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

func TestImportProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, err := s.CreateCampaign(ctx, domain.Campaign{Title: "巡视整改"})
		if err != nil {
			t.Fatal(err)
		}
		existingUnit, err := s.CreateUnit(ctx, "办公室")
		if err != nil {
			t.Fatal(err)
		}
		actor := domain.Actor{UserID: 7, Username: "leader", Role: domain.RoleLeader}
		byHand, err := s.CreateProblem(ctx, domain.NewProblem{CampaignID: c.ID, Number: 9, Title: "手工录入"}, actor)
		if err != nil {
			t.Fatal(err)
		}
		batch := store.ImportBatch{CampaignID: c.ID, NewUnits: []string{"社会救助处", "办公室"}, Actor: actor, Problems: []domain.NewProblem{
			{CampaignID: c.ID, Number: 1, Section: "党的领导", Title: "甲", Description: "一是…"},
			{CampaignID: c.ID, Number: 2, Title: "乙"},
		}}

		t.Run("OK", func(t *testing.T) {
			out, err := s.ImportProblems(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Problems) != 2 || out.Problems[0].ID == 0 || out.Problems[1].ID == out.Problems[0].ID ||
				out.Problems[0].Stage != domain.StagePlan || out.Problems[0].Section != "党的领导" {
				t.Fatalf("problems = %+v", out.Problems)
			}
			if out.Units["办公室"] != existingUnit.ID || out.Units["社会救助处"] == 0 {
				t.Fatalf("units = %v", out.Units)
			}
			events, err := s.Events(ctx, out.Problems[0].ID)
			if err != nil || len(events) != 1 || events[0].Action != domain.ActionCreate || events[0].RequestID != store.ImportRequestID ||
				events[0].ActorName != "leader" {
				t.Fatalf("events = %+v, %v", events, err)
			}
			byNumber, err := s.CampaignProblemsByNumber(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(byNumber) != 3 || !byNumber[1].Imported || !byNumber[2].Imported || byNumber[9].Imported || byNumber[9].ID != byHand.ID {
				t.Fatalf("by number = %+v", byNumber)
			}
			unstarted, err := s.ProblemsWithoutWorkflow(ctx)
			if err != nil || len(unstarted) != 3 {
				t.Fatalf("%d problems without workflow (%v), want 3", len(unstarted), err)
			}
		})

		t.Run("ErrNumberTakenWritesNothing", func(t *testing.T) {
			again := batch
			again.NewUnits = []string{"新单位"}
			again.Problems = []domain.NewProblem{{CampaignID: c.ID, Number: 3, Title: "丙"}, {CampaignID: c.ID, Number: 9, Title: "重号"}}
			_, err := s.ImportProblems(ctx, again)
			if !domain.IsCode(err, domain.EConflict) {
				t.Fatalf("err = %v, want conflict", err)
			}
			byNumber, _ := s.CampaignProblemsByNumber(ctx, c.ID)
			if _, ok := byNumber[3]; ok || len(byNumber) != 3 {
				t.Fatalf("a refused batch wrote problems: %+v", byNumber)
			}
			if _, err := s.UnitByName(ctx, "新单位"); !domain.IsCode(err, domain.ENotFound) {
				t.Fatalf("a refused batch created a unit: %v", err)
			}
		})

		t.Run("ErrUnknownCampaign", func(t *testing.T) {
			_, err := s.ImportProblems(ctx, store.ImportBatch{CampaignID: 999, Actor: actor})
			if !domain.IsCode(err, domain.ENotFound) {
				t.Fatalf("err = %v, want not_found", err)
			}
		})

		t.Run("CampaignProblemsInOrder", func(t *testing.T) {
			ps, err := s.CampaignProblems(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 3 || ps[0].Number != 1 || ps[1].Number != 2 || ps[2].Number != 9 || ps[0].Measures == nil {
				t.Fatalf("problems = %+v", ps)
			}
		})
	})
}

func TestNarrative(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, err := s.CreateCampaign(ctx, domain.Campaign{Title: "巡视整改"})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Narrative(ctx, c.ID)
		if err != nil || n.CampaignID != c.ID || n.Organization != "" || !n.UpdatedAt.IsZero() {
			t.Fatalf("empty narrative = %+v, %v", n, err)
		}
		for i, org := range []string{"强化组织领导。", "强化思想认识。\n强化组织领导。"} {
			if _, err := s.SetNarrative(ctx, domain.Narrative{CampaignID: c.ID, Organization: org, NextSteps: "下一步", Contact: "电话"}, int64(i+1)); err != nil {
				t.Fatal(err)
			}
		}
		n, err = s.Narrative(ctx, c.ID)
		if err != nil || n.Organization != "强化思想认识。\n强化组织领导。" || n.NextSteps != "下一步" || n.Contact != "电话" || n.UpdatedBy != 2 {
			t.Fatalf("narrative = %+v, %v", n, err)
		}
		if _, err := s.Narrative(ctx, 999); !domain.IsCode(err, domain.ENotFound) {
			t.Fatalf("unknown campaign: %v", err)
		}
		if _, err := s.SetNarrative(ctx, domain.Narrative{CampaignID: 999}, 1); !domain.IsCode(err, domain.ENotFound) {
			t.Fatalf("unknown campaign: %v", err)
		}
	})
}
