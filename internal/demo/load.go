package demo

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/reporttext"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store"
)

// unit is a demo unit and the username of its one user.
type unit struct {
	name, username string
	// keywords in a problem title that make this unit its lead.
	keywords []string
}

// units are plausible lead units of a provincial civil affairs department.
// The first matching unit leads a problem; 办公室 leads the rest.
var units = []unit{
	{"社会救助处", "assistance", []string{"低保", "救助", "民生保障", "困难残疾人", "两项补贴"}},
	{"养老服务处", "eldercare", []string{"养老"}},
	{"儿童福利处", "childwelfare", []string{"儿童"}},
	{"社会组织管理局", "socialorg", []string{"社会组织"}},
	{"规划财务处", "finance", []string{"资金", "采购", "审计", "发展目标", "高质量发展", "农场"}},
	{"人事处", "personnel", []string{"配备", "康复医院", "康复中心"}},
	{"政策法规处", "policy", []string{"法定职能", "政策创制"}},
	{"机关党委", "partycommittee", []string{"党", "巡察", "纪委", "派驻", "意识形态", "班子", "八项规定", "巡视整改"}},
	{"办公室", "office", []string{"信息系统", "数据"}},
}

// Settings that make loading resumable and run once.
const (
	settingLoaded   = "demo.loaded"
	settingCampaign = "demo.campaign_id"
)

// Load creates, once, the demo campaign from the seed report: units, users
// (admin, leader, leader2, supervisor, discipline and one per unit, all with
// password), the 39 problems walked through the same workflow Updates a
// person would send: completed problems end closed, the others in execute.
// Every step has a fixed request ID, so a load cut short resumes safely.
// st keeps what the loader remembers (settings) and finds by name.
func Load(ctx context.Context, svc *service.Service, st *store.Store, password string, logger *slog.Logger) error {
	if done, err := st.Setting(ctx, settingLoaded); err != nil {
		return err
	} else if done == "yes" {
		return nil
	}
	doc, err := reporttext.Parse(strings.NewReader(SeedReport))
	if err != nil {
		return fmt.Errorf("parse seed report: %w", err)
	}
	l := &loader{svc: svc, st: st, users: map[string]domain.User{}, unitIDs: map[string]int64{}}
	if err := l.createPeople(ctx, password); err != nil {
		return err
	}
	campaignID, err := l.campaign(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	// Create in order, so IDs follow the report's numbers; then walk four
	// problems at a time: each problem is its own workflow.
	problems := make([]domain.Problem, len(doc.Problems))
	for i, rp := range doc.Problems {
		if problems[i], err = l.findOrCreate(ctx, campaignID, rp); err != nil {
			return fmt.Errorf("demo problem %d: %w", rp.Number, err)
		}
	}
	fates := chooseFates(doc.Problems)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(doc.Problems))
	for i, rp := range doc.Problems {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = l.walk(ctx, problems[i], rp, fates[rp.Number])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("demo problem %d: %w", doc.Problems[i].Number, err)
		}
	}
	if err := l.lookBack(ctx, campaignID); err != nil {
		return fmt.Errorf("demo look-back: %w", err)
	}
	logger.Info("demo campaign loaded", slog.Int64("campaign_id", campaignID),
		slog.Int("problems", len(doc.Problems)), slog.Duration("took", time.Since(start)))
	return st.SetSetting(ctx, settingLoaded, "yes")
}

type loader struct {
	svc     *service.Service
	st      *store.Store
	users   map[string]domain.User
	unitIDs map[string]int64
}

func (l *loader) createPeople(ctx context.Context, password string) error {
	for _, u := range units {
		unit, err := l.st.UnitByName(ctx, u.name)
		if domain.IsCode(err, domain.ENotFound) {
			unit, err = l.st.CreateUnit(ctx, u.name)
		}
		if err != nil {
			return err
		}
		l.unitIDs[u.username] = unit.ID
	}
	people := []domain.NewUser{
		{Username: "admin", DisplayName: "系统管理员", Role: domain.RoleAdmin},
		{Username: "leader", DisplayName: "整改工作领导小组", Role: domain.RoleLeader},
		{Username: "leader2", DisplayName: "领导小组副组长", Role: domain.RoleLeader},
		{Username: "supervisor", DisplayName: "督办审核员", Role: domain.RoleSupervisor},
		{Username: "discipline", DisplayName: "驻厅纪检监察组", Role: domain.RoleDiscipline},
	}
	for _, u := range units {
		// Each unit: today's user as staff and a head (处室负责人).
		people = append(people,
			domain.NewUser{Username: u.username, DisplayName: u.name, Role: domain.RoleUnit, UnitID: l.unitIDs[u.username], UnitRole: domain.UnitStaff},
			domain.NewUser{Username: u.username + "_head", DisplayName: u.name + "负责人", Role: domain.RoleUnit, UnitID: l.unitIDs[u.username], UnitRole: domain.UnitHead})
	}
	for _, p := range people {
		p.Password = password
		user, _, err := l.st.UserCredentials(ctx, p.Username)
		if domain.IsCode(err, domain.ENotFound) {
			user, err = l.svc.CreateUserUnchecked(ctx, p)
		}
		if err != nil {
			return err
		}
		l.users[p.Username] = user
	}
	return nil
}

func (l *loader) campaign(ctx context.Context) (int64, error) {
	if v, err := l.st.Setting(ctx, settingCampaign); err != nil {
		return 0, err
	} else if v != "" {
		return strconv.ParseInt(v, 10, 64)
	}
	c, err := l.svc.CreateCampaign(ctx, l.users["admin"], domain.Campaign{
		Title:           "省委第四巡视组反馈意见整改",
		InspectedBody:   "省民政厅党组",
		InspectionTeam:  "省委第四巡视组",
		InspectionStart: "2023-11-13",
		InspectionEnd:   "2023-12-29",
		FeedbackDate:    "2024-02-26",
		Policy:          domain.Policy{EndorseClosure: true},
	})
	if err != nil {
		return 0, err
	}
	return c.ID, l.st.SetSetting(ctx, settingCampaign, strconv.FormatInt(c.ID, 10))
}

// leadUnit picks the unit whose keywords the title contains.
func leadUnit(title string) unit {
	for _, u := range units {
		for _, k := range u.keywords {
			if strings.Contains(title, k) {
				return u
			}
		}
	}
	return units[len(units)-1] // 办公室
}

// longTerm marks measures that build lasting mechanisms (长效机制) as 长期坚持.
func longTerm(title string) bool {
	return strings.Contains(title, "长效") || strings.Contains(title, "常态")
}

// fate is where the demo leaves a problem, beyond what the report says, so
// that every queue has something in it: the supervisor's (verify), the
// unit's returned work, the leaders' extension requests.
type fate int

const (
	fateAsReported fate = iota // closed if the report says completed, else in execute
	fateVerify                 // closure requested and endorsed, awaiting the supervisor
	fateReturned               // closure rejected by the supervisor with a reason
	fateExtension              // an extension request awaiting the leaders
)

// chooseFates gives the first three problems still in progress that have a
// measure with a deadline the fates verify, returned and extension.
func chooseFates(problems []reporttext.Problem) map[int]fate {
	fates := map[int]fate{}
	next := []fate{fateVerify, fateReturned, fateExtension}
	for _, rp := range problems {
		if len(next) == 0 {
			break
		}
		if rp.Status == reporttext.StatusCompleted || len(rp.Measures) == 0 {
			continue
		}
		for _, m := range rp.Measures {
			if !longTerm(m.Title) {
				fates[rp.Number] = next[0]
				next = next[1:]
				break
			}
		}
	}
	return fates
}

// deadlineOffset spreads the deadlines of problems in progress, in days
// from today: every seventh problem's first measure falls due today and
// another's in two days (yellow now: within the default three-day warning
// window, and today's turns red at midnight China time), the rest over the
// coming months. A deadline cannot be set in the past: the plan rules
// refuse it, so red lights appear as the demo ages, not at load.
func deadlineOffset(number, measure int, completed bool) int {
	if !completed && measure == 0 {
		switch number % 7 {
		case 0:
			return 0
		case 3:
			return 2
		}
	}
	return 30 + 15*(measure%6) + number
}

// walk takes a problem through the workflow as far as the report says, or
// as far as its fate.
func (l *loader) walk(ctx context.Context, p domain.Problem, rp reporttext.Problem, f fate) error {
	var err error
	lead := leadUnit(rp.Title)
	leadUser := l.users[lead.username]
	step := func(name string, actor domain.User, cmd domain.Command) error {
		cmd.RequestID = fmt.Sprintf("demo:%d:%s", p.ID, name)
		cmd.Actor = actor.Actor()
		p, err = l.svc.Act(ctx, p.ID, cmd)
		return err
	}
	if len(rp.Measures) == 0 {
		rp.Measures = []reporttext.Measure{{Title: rp.Title, Text: rp.Title}}
	}
	plan := domain.PlanInput{LeadUnitID: l.unitIDs[lead.username]}
	for i, m := range rp.Measures {
		in := domain.MeasureInput{
			Title: m.Title, Kind: domain.KindDeadline, LeadUnitID: plan.LeadUnitID,
			ResponsibleLeader: "分管厅领导",
			Deadline:          domain.DateOf(time.Now()).AddDays(deadlineOffset(rp.Number, i, rp.Status == reporttext.StatusCompleted || f != fateAsReported)),
		}
		if longTerm(m.Title) {
			in.Kind, in.Deadline = domain.KindLongTerm, ""
		}
		if i%2 == 1 && lead.username != "office" {
			in.CoUnitIDs = []int64{l.unitIDs["office"]}
		}
		plan.Measures = append(plan.Measures, in)
	}
	if err := step("plan", l.users["admin"], domain.Command{Action: domain.ActionSubmitPlan, Plan: &plan}); err != nil {
		return err
	}
	if err := step("approve-plan", l.users["leader"], domain.Command{Action: domain.ActionApprovePlan, Text: "同意"}); err != nil {
		return err
	}
	for _, m := range p.Measures {
		if err := step(fmt.Sprintf("ack-%d", m.ID), leadUser, domain.Command{Action: domain.ActionAcknowledge, MeasureID: m.ID}); err != nil {
			return err
		}
	}
	completed := rp.Status == reporttext.StatusCompleted || f == fateVerify || f == fateReturned
	for i, m := range p.Measures {
		text := strings.TrimSpace(rp.Measures[i].Text)
		if text == "" {
			text = m.Title
		}
		if completed && m.Kind != domain.KindLongTerm {
			err = step(fmt.Sprintf("complete-%d", m.ID), leadUser, domain.Command{Action: domain.ActionCompleteMeasure, MeasureID: m.ID, Text: text})
		} else {
			percent := 60
			err = step(fmt.Sprintf("progress-%d", m.ID), leadUser, domain.Command{
				Action: domain.ActionReportProgress, MeasureID: m.ID,
				Progress: &domain.ProgressInput{Text: text, Percent: &percent},
			})
		}
		if err != nil {
			return err
		}
	}
	if f == fateExtension {
		for _, m := range p.Measures {
			if m.Kind != domain.KindLongTerm {
				return step(fmt.Sprintf("extension-%d", m.ID), leadUser, domain.Command{
					Action: domain.ActionRequestExtension, MeasureID: m.ID, Deadline: m.Deadline.AddDays(60),
					Text: "涉及多部门联合发文，需待省有关部门会签后印发，申请延期两个月",
				})
			}
		}
		return nil
	}
	if !completed {
		return nil
	}
	// The report's text of each measure is its evidence (会议纪要、文件).
	if err := l.evidence(ctx, p, rp, leadUser); err != nil {
		return err
	}
	if err := step("closure-request", leadUser, domain.Command{Action: domain.ActionRequestClosure, Text: "整改任务已完成,申请销号"}); err != nil {
		return err
	}
	// The demo campaign endorses closures: the unit's head signs first.
	if p.Closure.Status == domain.ClosureAwaitingEndorsement {
		if err := step("closure-endorse", l.users[lead.username+"_head"], domain.Command{Action: domain.ActionEndorseClosure, Text: "情况属实,同意报审"}); err != nil {
			return err
		}
	}
	switch f {
	case fateVerify:
		return nil
	case fateReturned:
		return step("closure-reject", l.users["supervisor"], domain.Command{Action: domain.ActionRejectClosure,
			Text: "佐证材料不够充分：请补充制度文件正式印发稿和落实情况的数据说明后再申请销号"})
	}
	return step("closure-approve", l.users["supervisor"], domain.Command{Action: domain.ActionApproveClosure, Text: "佐证材料齐全,同意销号"})
}

// lookBack has the discipline group start, once, a look-back (回头看) of
// the campaign's closed problems, which stays open for them to conclude.
func (l *loader) lookBack(ctx context.Context, campaignID int64) error {
	_, err := l.svc.StartLookback(ctx, l.users["discipline"], domain.NewLookback{
		Title: "巡视整改销号问题回头看",
		// Every closed problem: a sample of all of them, as the scope of a
		// whole campaign takes a unit or a sample.
		Scope:   domain.LookbackScope{CampaignID: campaignID, Sample: &domain.LookbackSample{Percent: 100, Seed: 1}},
		DueDate: domain.DateOf(time.Now()).AddDays(20),
	}, "demo:lookback")
	return err
}

func (l *loader) findOrCreate(ctx context.Context, campaignID int64, rp reporttext.Problem) (domain.Problem, error) {
	existing, _, err := l.st.ListProblems(ctx, domain.ProblemFilter{CampaignID: campaignID, Limit: 500})
	if err != nil {
		return domain.Problem{}, err
	}
	for _, p := range existing {
		if p.Number == rp.Number {
			return p, nil
		}
	}
	return l.svc.CreateProblem(ctx, l.users["admin"], domain.NewProblem{
		CampaignID: campaignID, Number: rp.Number, Section: rp.Section, Title: rp.Title,
	})
}

// evidence records, once, each completed measure's report text as text
// evidence, so the closure request has evidence behind every measure.
func (l *loader) evidence(ctx context.Context, p domain.Problem, rp reporttext.Problem, unitUser domain.User) error {
	if p.Stage != domain.StageExecute {
		return nil // already past the closure request
	}
	existing, err := l.st.ListEvidence(ctx, p.ID)
	if err != nil {
		return err
	}
	has := map[int64]bool{}
	for _, e := range existing {
		has[e.MeasureID] = true
	}
	for i, m := range p.Measures {
		if m.Kind == domain.KindLongTerm || has[m.ID] {
			continue
		}
		note := strings.TrimSpace(rp.Measures[i].Text)
		if note == "" {
			note = m.Title
		}
		if _, err := l.svc.AddEvidence(ctx, unitUser, service.EvidenceUpload{
			ProblemID: p.ID, MeasureID: m.ID, Title: m.Title + "(工作情况说明)", Note: note,
		}, 0); err != nil {
			return err
		}
	}
	return nil
}
