package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// catalogue maps a language code to its messages. Chinese is the default;
// a key missing in a language falls back to Chinese, then to the key.
type catalogue map[string]map[string]string

// lang is the catalogue of one request's language, as templates see it.
type lang struct {
	Code  string
	msgs  map[string]string
	zh    map[string]string
	Other string // the language a switch link offers
}

// T returns the message for key.
func (l *lang) T(key string) string {
	if m, ok := l.msgs[key]; ok {
		return m
	}
	if m, ok := l.zh[key]; ok {
		return m
	}
	return key
}

// Tf formats the message for key with args.
func (l *lang) Tf(key string, args ...any) string { return fmt.Sprintf(l.T(key), args...) }

// Stage, Kind, Role and Action name domain values in the page's language.
func (l *lang) Stage(s domain.Stage) string      { return l.T("stage." + string(s)) }
func (l *lang) Kind(k domain.MeasureKind) string { return l.T("kind." + string(k)) }
func (l *lang) Role(r domain.Role) string        { return l.T("role." + string(r)) }
func (l *lang) Action(a domain.Action) string    { return l.T("action." + string(a)) }

// Notice names a notification kind; a kind newer than the catalogue shows
// as itself.
func (l *lang) Notice(k domain.NoticeKind) string {
	if m := l.T("notice." + string(k)); m != "notice."+string(k) {
		return m
	}
	return string(k)
}

func (cat catalogue) lang(code string) *lang {
	other := "en"
	if code == "en" {
		other = "zh"
	} else {
		code = "zh"
	}
	return &lang{Code: code, msgs: cat[code], zh: cat["zh"], Other: other}
}

// language picks the page language: the lang cookie set by the switch
// link, else the first of zh/en in Accept-Language, else Chinese.
func (h *Handler) language(c *gin.Context) {
	code := ""
	if ck, err := c.Request.Cookie(langCookie); err == nil {
		code = ck.Value
	}
	if code != "zh" && code != "en" {
		code = fromAcceptLanguage(c.GetHeader("Accept-Language"))
	}
	c.Set("web.lang", h.cat.lang(code))
	c.Next()
}

func (h *Handler) langOf(c *gin.Context) *lang {
	if l, ok := c.Get("web.lang"); ok {
		return l.(*lang)
	}
	return h.cat.lang("zh")
}

// fromAcceptLanguage returns "en" or "zh", whichever the header prefers
// (by q-value, then order); "zh" when it names neither.
func fromAcceptLanguage(header string) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(tag)
		var code string
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			code = "zh"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			code = "en"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = code, q
		}
	}
	return best
}

// switchLanguage remembers the chosen language for a year and goes back to
// the page the link was on.
func (h *Handler) switchLanguage(c *gin.Context) {
	code := c.Param("code")
	if code != "zh" && code != "en" {
		h.notFound(c)
		return
	}
	setCookie(c, langCookie, code, 365*24*3600)
	back := "/"
	if ref, err := url.Parse(c.Request.Referer()); err == nil && ref.Host == c.Request.Host {
		back = ref.RequestURI()
	}
	c.Redirect(http.StatusSeeOther, localPath(back, "/"))
}

// baseCatalogue is the first issue's messages; newCatalogue adds the later
// issues' (i18n_deadlines.go).
func baseCatalogue() catalogue {
	return catalogue{
		"zh": {
			"app.name":                "巡视整改工作平台",
			"punct.colon":             "：",
			"nav.dashboard":           "工作总览",
			"nav.problems":            "问题清单",
			"nav.workbench":           "我的待办",
			"nav.review":              "待审核",
			"nav.plans":               "方案审批",
			"nav.units":               "单位管理",
			"nav.users":               "用户管理",
			"nav.new_campaign":        "新建整改任务",
			"nav.logout":              "退出",
			"nav.menu":                "菜单",
			"lang.switch":             "English",
			"login.title":             "登录",
			"login.username":          "用户名",
			"login.password":          "密码",
			"login.submit":            "登录",
			"common.save":             "保存",
			"common.submit":           "提交",
			"common.filter":           "筛选",
			"common.all":              "全部",
			"common.none":             "无",
			"common.view":             "查看",
			"common.back":             "返回",
			"common.optional":         "（选填）",
			"common.required":         "（必填）",
			"common.done":             "操作已完成：",
			"common.total":            "合计",
			"common.page":             "第 %d / %d 页",
			"common.prev":             "上一页",
			"common.next":             "下一页",
			"common.you":              "本人",
			"stage.plan":              "制定措施",
			"stage.assign":            "交办签收",
			"stage.execute":           "整改落实",
			"stage.verify":            "审核销号",
			"stage.closed":            "已销号",
			"kind.immediate":          "立行立改",
			"kind.deadline":           "限期整改",
			"kind.long_term":          "长期坚持",
			"role.admin":              "管理员",
			"role.leader":             "领导小组",
			"role.supervisor":         "督办审核",
			"role.discipline":         "纪检监察组",
			"role.unit":               "责任单位",
			"action.create":           "登记问题",
			"action.submit_plan":      "提交整改方案",
			"action.approve_plan":     "批准整改方案",
			"action.reject_plan":      "退回整改方案",
			"action.acknowledge":      "签收措施",
			"action.report_progress":  "报告进展",
			"action.complete_measure": "措施完成",
			"action.request_closure":  "申请销号",
			"action.approve_closure":  "同意销号",
			"action.reject_closure":   "退回销号申请",
			"err.invalid":             "输入有误",
			"err.unauthorized":        "请先登录",
			"err.forbidden":           "无权操作",
			"err.not_found":           "未找到",
			"err.conflict":            "当前状态下不能进行此操作",
			"err.unavailable":         "服务暂时不可用，请稍后用同一表单重试",
			"err.internal":            "系统内部错误",
			"err.page.403":            "无权访问",
			"err.page.404":            "页面不存在",
			"err.page.other":          "出错了",
			"err.login":               "用户名或密码错误",
			"dash.title":              "工作总览",
			"dash.campaign":           "整改任务",
			"dash.completion":         "整改完成率",
			"dash.closed_of":          "已销号 %d / 共 %d 个问题",
			"dash.by_stage":           "各阶段问题数",
			"dash.by_unit":            "各单位问题数",
			"dash.unit":               "单位",
			"dash.involved":           "参与问题",
			"dash.closed":             "已销号",
			"dash.deadlines":          "临近整改时限",
			"dash.chart":              "近 %d 天销号情况",
			"dash.chart_empty":        "近期尚无销号。",
			"dash.no_campaign":        "还没有整改任务。",
			"dash.lights":             "红灯：已超期；黄灯：临近期限；绿灯：正常或已完成。",
			"dash.overdue":            "已逾期",
			"list.title":              "问题清单",
			"list.search":             "搜索标题、分类或描述",
			"list.stage":              "阶段",
			"list.unit":               "单位",
			"list.count":              "共 %d 个问题",
			"list.empty":              "没有符合条件的问题。",
			"problem.number":          "序号",
			"problem.title":           "问题",
			"problem.section":         "分类",
			"problem.description":     "问题描述",
			"problem.stage":           "阶段",
			"problem.lead":            "牵头单位",
			"problem.updated":         "更新时间",
			"problem.measures":        "整改措施",
			"problem.progress":        "进展报告",
			"problem.events":          "办理记录",
			"problem.timeline":        "办理阶段",
			"problem.no_measures":     "尚未制定整改措施。",
			"problem.no_progress":     "尚无进展报告。",
			"problem.evidence":        "佐证材料",
			"problem.edit_plan":       "编辑整改方案",
			"problem.plan_waiting":    "整改方案已提交，等待领导小组审批。",
			"problem.plan_missing":    "尚未提交整改方案。",
			"problem.you_drafted":     "该方案由您提交，需由其他领导审批。",
			"measure.title":           "措施",
			"measure.kind":            "类型",
			"measure.lead":            "牵头单位",
			"measure.co":              "配合单位",
			"measure.leader":          "责任领导",
			"measure.deadline":        "整改时限",
			"measure.status":          "状态",
			"measure.acknowledged":    "已签收",
			"measure.pending":         "待签收",
			"measure.completed":       "已完成",
			"measure.ongoing":         "推进中",
			"measure.latest":          "最新进展",
			"form.ack":                "签收",
			"form.progress":           "报告进展",
			"form.progress_text":      "进展情况",
			"form.percent":            "完成百分比",
			"form.complete":           "措施完成",
			"form.summary":            "完成情况",
			"form.closure_request":    "申请销号",
			"form.closure_summary":    "销号申请说明",
			"form.approve_closure":    "同意销号",
			"form.reject_closure":     "退回",
			"form.comment":            "审核意见",
			"form.reason":             "退回理由",
			"form.approve_plan":       "批准方案",
			"form.reject_plan":        "退回方案",
			"event.at":                "时间",
			"event.who":               "办理人",
			"event.action":            "事项",
			"event.stage":             "阶段变化",
			"event.reason":            "意见 / 理由",
			"progress.by":             "报告人",
			"wb.title":                "我的待办",
			"wb.ack":                  "待签收的措施",
			"wb.execute":              "整改中的措施",
			"wb.closure":              "可申请销号的问题",
			"wb.verify":               "审核中的问题",
			"wb.empty":                "暂无待办事项。",
			"rq.title":                "待审核的销号申请",
			"rq.waiting":              "提交时间",
			"rq.empty":                "没有待审核的销号申请。",
			"pq.title":                "方案审批",
			"pq.to_approve":           "待审批的整改方案",
			"pq.to_draft":             "待制定整改方案的问题",
			"pq.empty":                "暂无。",
			"plan.title":              "制定整改方案",
			"plan.lead":               "问题牵头单位",
			"plan.choose":             "请选择",
			"plan.add":                "增加一条措施",
			"plan.row":                "措施 %d",
			"plan.co_hint":            "按住 Ctrl 可多选",
			"plan.submit":             "提交整改方案",
			"plan.empty_rows":         "空白的措施行将被忽略。",
			"units.title":             "单位管理",
			"units.name":              "单位名称",
			"units.add":               "新增单位",
			"users.title":             "用户管理",
			"users.username":          "用户名",
			"users.display":           "姓名",
			"users.password":          "初始密码（至少 8 位）",
			"users.role":              "角色",
			"users.unit":              "所属单位",
			"users.add":               "新增用户",
			"campaign.title":          "新建整改任务",
			"campaign.name":           "任务名称",
			"campaign.body":           "被巡视单位",
			"campaign.team":           "巡视组",
			"campaign.start":          "巡视开始日期",
			"campaign.end":            "巡视结束日期",
			"campaign.feedback":       "反馈日期",
			"campaign.create":         "创建",
			"campaign.add_problem":    "登记问题",
			"pnew.title":              "登记问题",
			"pnew.number":             "序号（留空自动编号）",
		},
		"en": {
			"app.name":                "Rectify",
			"punct.colon":             ": ",
			"nav.dashboard":           "Dashboard",
			"nav.problems":            "Problems",
			"nav.workbench":           "My tasks",
			"nav.review":              "To review",
			"nav.plans":               "Plans",
			"nav.units":               "Units",
			"nav.users":               "Users",
			"nav.new_campaign":        "New campaign",
			"nav.logout":              "Log out",
			"nav.menu":                "Menu",
			"lang.switch":             "中文",
			"login.title":             "Log in",
			"login.username":          "Username",
			"login.password":          "Password",
			"login.submit":            "Log in",
			"common.save":             "Save",
			"common.submit":           "Submit",
			"common.filter":           "Filter",
			"common.all":              "All",
			"common.none":             "None",
			"common.view":             "View",
			"common.back":             "Back",
			"common.optional":         " (optional)",
			"common.required":         " (required)",
			"common.done":             "Done: ",
			"common.total":            "Total",
			"common.page":             "Page %d of %d",
			"common.prev":             "Previous",
			"common.next":             "Next",
			"common.you":              "you",
			"stage.plan":              "Plan",
			"stage.assign":            "Assign",
			"stage.execute":           "Execute",
			"stage.verify":            "Verify",
			"stage.closed":            "Closed",
			"kind.immediate":          "Fix now",
			"kind.deadline":           "By deadline",
			"kind.long_term":          "Long-term",
			"role.admin":              "Administrator",
			"role.leader":             "Leading group",
			"role.supervisor":         "Supervisor",
			"role.discipline":         "Discipline group",
			"role.unit":               "Responsible unit",
			"action.create":           "Problem recorded",
			"action.submit_plan":      "Plan submitted",
			"action.approve_plan":     "Plan approved",
			"action.reject_plan":      "Plan rejected",
			"action.acknowledge":      "Measure acknowledged",
			"action.report_progress":  "Progress reported",
			"action.complete_measure": "Measure completed",
			"action.request_closure":  "Closure requested",
			"action.approve_closure":  "Closure approved",
			"action.reject_closure":   "Closure rejected",
			"err.invalid":             "Invalid input",
			"err.unauthorized":        "Please log in",
			"err.forbidden":           "Not allowed",
			"err.not_found":           "Not found",
			"err.conflict":            "Not possible in the current stage",
			"err.unavailable":         "The service is unavailable; submit the same form again shortly",
			"err.internal":            "Internal error",
			"err.page.403":            "Access denied",
			"err.page.404":            "Page not found",
			"err.page.other":          "Something went wrong",
			"err.login":               "Wrong username or password",
			"dash.title":              "Dashboard",
			"dash.campaign":           "Campaign",
			"dash.completion":         "Completion rate",
			"dash.closed_of":          "%d of %d problems closed",
			"dash.by_stage":           "Problems by stage",
			"dash.by_unit":            "Problems by unit",
			"dash.unit":               "Unit",
			"dash.involved":           "Involved",
			"dash.closed":             "Closed",
			"dash.deadlines":          "Upcoming deadlines",
			"dash.chart":              "Closures in the last %d days",
			"dash.chart_empty":        "No closures recently.",
			"dash.no_campaign":        "There is no campaign yet.",
			"dash.lights":             "Red: overdue; yellow: due soon; green: on time or done.",
			"dash.overdue":            "overdue",
			"list.title":              "Problems",
			"list.search":             "Search title, section or description",
			"list.stage":              "Stage",
			"list.unit":               "Unit",
			"list.count":              "%d problems",
			"list.empty":              "No problem matches.",
			"problem.number":          "No.",
			"problem.title":           "Problem",
			"problem.section":         "Section",
			"problem.description":     "Description",
			"problem.stage":           "Stage",
			"problem.lead":            "Lead unit",
			"problem.updated":         "Updated",
			"problem.measures":        "Measures",
			"problem.progress":        "Progress reports",
			"problem.events":          "Event log",
			"problem.timeline":        "Stages",
			"problem.no_measures":     "No measures yet.",
			"problem.no_progress":     "No progress reports yet.",
			"problem.evidence":        "Evidence",
			"problem.edit_plan":       "Edit plan",
			"problem.plan_waiting":    "The plan is submitted and waits for a leader's decision.",
			"problem.plan_missing":    "No plan has been submitted.",
			"problem.you_drafted":     "You submitted this plan; another leader decides on it.",
			"measure.title":           "Measure",
			"measure.kind":            "Kind",
			"measure.lead":            "Lead unit",
			"measure.co":              "Co-units",
			"measure.leader":          "Responsible leader",
			"measure.deadline":        "Deadline",
			"measure.status":          "Status",
			"measure.acknowledged":    "Acknowledged",
			"measure.pending":         "To acknowledge",
			"measure.completed":       "Completed",
			"measure.ongoing":         "In progress",
			"measure.latest":          "Latest progress",
			"form.ack":                "Acknowledge",
			"form.progress":           "Report progress",
			"form.progress_text":      "Progress",
			"form.percent":            "Percent done",
			"form.complete":           "Complete measure",
			"form.summary":            "Summary",
			"form.closure_request":    "Request closure",
			"form.closure_summary":    "Closure request",
			"form.approve_closure":    "Approve closure",
			"form.reject_closure":     "Reject",
			"form.comment":            "Comment",
			"form.reason":             "Reason",
			"form.approve_plan":       "Approve plan",
			"form.reject_plan":        "Reject plan",
			"event.at":                "When",
			"event.who":               "Who",
			"event.action":            "What",
			"event.stage":             "Stage",
			"event.reason":            "Comment / reason",
			"progress.by":             "By",
			"wb.title":                "My tasks",
			"wb.ack":                  "Measures to acknowledge",
			"wb.execute":              "Measures in progress",
			"wb.closure":              "Problems ready for closure",
			"wb.verify":               "Problems under review",
			"wb.empty":                "Nothing to do.",
			"rq.title":                "Closure requests to review",
			"rq.waiting":              "Requested",
			"rq.empty":                "No closure request waits.",
			"pq.title":                "Plans",
			"pq.to_approve":           "Plans to approve",
			"pq.to_draft":             "Problems without a plan",
			"pq.empty":                "None.",
			"plan.title":              "Rectification plan",
			"plan.lead":               "Problem lead unit",
			"plan.choose":             "Choose",
			"plan.add":                "Add a measure",
			"plan.row":                "Measure %d",
			"plan.co_hint":            "Hold Ctrl to choose several",
			"plan.submit":             "Submit plan",
			"plan.empty_rows":         "Empty measure rows are ignored.",
			"units.title":             "Units",
			"units.name":              "Name",
			"units.add":               "Add unit",
			"users.title":             "Users",
			"users.username":          "Username",
			"users.display":           "Name",
			"users.password":          "Initial password (8+ characters)",
			"users.role":              "Role",
			"users.unit":              "Unit",
			"users.add":               "Add user",
			"campaign.title":          "New campaign",
			"campaign.name":           "Title",
			"campaign.body":           "Inspected body",
			"campaign.team":           "Inspection team",
			"campaign.start":          "Inspection start",
			"campaign.end":            "Inspection end",
			"campaign.feedback":       "Feedback date",
			"campaign.create":         "Create",
			"campaign.add_problem":    "Add problem",
			"pnew.title":              "New problem",
			"pnew.number":             "Number (empty: next)",
		},
	}
}
