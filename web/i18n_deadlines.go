package web

// newCatalogue is the base catalogue with the messages of deadlines,
// extensions, reminders, notifications, reports and imports, and of
// evidence, outcomes and look-backs (i18n_evidence.go).
func newCatalogue() catalogue {
	cat := baseCatalogue()
	for code, msgs := range evidenceMessages {
		for k, v := range msgs {
			cat[code][k] = v
		}
	}
	for code, msgs := range deadlineMessages {
		for k, v := range msgs {
			cat[code][k] = v
		}
	}
	for code, msgs := range importMessages {
		for k, v := range msgs {
			cat[code][k] = v
		}
	}
	return cat
}

var deadlineMessages = map[string]map[string]string{
	"zh": {
		// Look-back (回头看) names, so that its stage and events read well
		// before its pages land.
		"stage.lookback":           "回头看",
		"notice.lookback":          "回头看",
		"action.start_lookback":    "启动回头看",
		"action.request_material":  "要求补充材料",
		"action.answer_material":   "报送补充材料",
		"action.conclude_lookback": "回头看结论",

		"nav.reports": "报表导出",
		"nav.inbox":   "通知",

		"inbox.title":     "通知",
		"inbox.unread":    "%d 条未读",
		"inbox.new":       "未读",
		"inbox.open":      "查看问题",
		"inbox.mark_read": "标为已读",
		"inbox.empty":     "暂无通知。",

		"notice.warning":     "临期预警",
		"notice.overdue":     "逾期提醒",
		"notice.ack_overdue": "签收逾期",
		"notice.review_late": "审核逾期",
		"notice.escalation":  "督办升级",
		"notice.urge":        "催办",
		"notice.report_due":  "进展报送",
		"notice.report_late": "报送逾期",
		"notice.extension":   "延期申请",

		"light.red":          "红灯",
		"light.yellow":       "黄灯",
		"light.green":        "绿灯",
		"light.red.hint":     "已超过整改时限",
		"light.yellow.hint":  "临近整改时限",
		"light.green.hint":   "按期推进或已完成",
		"list.light":         "预警",
		"measure.original":   "原定时限",
		"measure.extended":   "已延期 %d 次",
		"measure.report_due": "进展报送截止",

		"form.urge":              "催办",
		"form.urge_message":      "催办内容",
		"form.new_deadline":      "申请延至",
		"form.ext_reason":        "延期理由",
		"form.request_extension": "申请延期",
		"form.approve_extension": "同意延期",
		"form.reject_extension":  "不同意延期",
		"urge.hint":              "催办内容将立即通知牵头单位。",

		"ext.title":         "延期申请记录",
		"ext.pending_title": "延期申请待审批",
		"ext.pending":       "待审批",
		"ext.approved":      "已同意",
		"ext.rejected":      "未同意",
		"ext.measure":       "措施",
		"ext.comment":       "审批意见",

		"action.urge":              "催办",
		"action.request_extension": "申请延期",
		"action.approve_extension": "同意延期",
		"action.reject_extension":  "不同意延期",
		"action.request_reports":   "要求报送进展",
		"action.save_narrative":    "保存通报内容",
		"action.set_schedule":      "保存调度设置",
		"action.trigger_report":    "发起一轮进展调度",

		"dash.by_light":      "红黄灯预警",
		"dash.extensions":    "累计批准延期 %d 次",
		"dash.overdue_units": "逾期措施单位排名",
		"dash.overdue_n":     "逾期措施",
		"dash.no_overdue":    "暂无逾期措施。",

		"pq.extensions":    "延期审批",
		"pq.no_extensions": "暂无待审批的延期申请。",
		"uq.title":         "逾期、临期问题督办",
		"uq.empty":         "暂无逾期或临期问题。",

		"rep.title":        "报表导出",
		"rep.downloads":    "下载",
		"rep.report_md":    "整改进展通报（Markdown）",
		"rep.report_html":  "整改进展通报（网页）",
		"rep.report_docx":  "整改进展通报（Word）",
		"rep.ledger":       "整改台账（Excel）",
		"rep.report_file":  "整改进展通报",
		"rep.ledger_file":  "整改台账",
		"rep.narrative":    "通报内容",
		"rep.organization": "组织领导情况",
		"rep.next_steps":   "下一步工作打算",
		"rep.contact":      "联系人及电话",
		"rep.save":         "保存",
		"rep.updated":      "最近保存于",

		"imp.title":        "导入问题清单",
		"imp.hint":         "支持台账（.xlsx、.csv）和通报文本（.txt、.md、.docx）。先预览，确认无误后再选择同一文件导入；已有编号的问题不会重复导入。",
		"imp.file":         "文件",
		"imp.create_units": "自动新建台账中不存在的单位",
		"imp.preview":      "预览（不写入）",
		"imp.import":       "导入",
		"imp.rejected":     "以下行有误，未导入任何内容",
		"imp.row":          "行",
		"imp.reason":       "原因",
		"imp.previewed":    "预览 %s：%d 个问题，%d 项措施",
		"imp.again":        "预览未写入任何内容。确认无误后，请重新选择该文件并点击“导入”。",
		"imp.done":         "已导入 %s：新增 %d 个问题，跳过已有 %d 个，提交整改方案 %d 份待审批",
		"imp.units":        "新建单位",
		"imp.measures":     "措施数",

		"sch.title":    "定期调度",
		"sch.current":  "当前设置",
		"sch.off":      "不定期调度",
		"sch.monthly":  "每月",
		"sch.weekly":   "每周",
		"sch.every":    "固定间隔",
		"sch.cadence":  "调度频次",
		"sch.arg":      "日期或间隔",
		"sch.arg_hint": "每月填 1–28 日；每周填 0–6（0 为周日）；固定间隔填如 720h。",
		"sch.due_days": "报送期限（天）",
		"sch.due_in":   "%d 天内报送",
		"sch.save":     "保存调度设置",
		"sch.trigger":  "立即发起一轮调度",
	},
	"en": {
		"stage.lookback":           "Look-back",
		"notice.lookback":          "Look-back",
		"action.start_lookback":    "Look-back started",
		"action.request_material":  "Material requested",
		"action.answer_material":   "Material sent",
		"action.conclude_lookback": "Look-back concluded",

		"nav.reports": "Reports",
		"nav.inbox":   "Inbox",

		"inbox.title":     "Notifications",
		"inbox.unread":    "%d unread",
		"inbox.new":       "New",
		"inbox.open":      "Open problem",
		"inbox.mark_read": "Mark read",
		"inbox.empty":     "No notifications.",

		"notice.warning":     "Due soon",
		"notice.overdue":     "Overdue",
		"notice.ack_overdue": "Not acknowledged",
		"notice.review_late": "Review late",
		"notice.escalation":  "Escalated",
		"notice.urge":        "Urged",
		"notice.report_due":  "Report due",
		"notice.report_late": "Report late",
		"notice.extension":   "Extension",

		"light.red":          "Red",
		"light.yellow":       "Yellow",
		"light.green":        "Green",
		"light.red.hint":     "Past the deadline",
		"light.yellow.hint":  "Deadline near",
		"light.green.hint":   "On time or done",
		"list.light":         "Light",
		"measure.original":   "originally",
		"measure.extended":   "extended %d×",
		"measure.report_due": "Report due",

		"form.urge":              "Urge",
		"form.urge_message":      "Message",
		"form.new_deadline":      "New deadline",
		"form.ext_reason":        "Reason",
		"form.request_extension": "Request extension",
		"form.approve_extension": "Approve extension",
		"form.reject_extension":  "Reject extension",
		"urge.hint":              "The lead unit is notified at once.",

		"ext.title":         "Extension requests",
		"ext.pending_title": "Extension request pending",
		"ext.pending":       "Pending",
		"ext.approved":      "Approved",
		"ext.rejected":      "Rejected",
		"ext.measure":       "Measure",
		"ext.comment":       "Decision",

		"action.urge":              "Urged",
		"action.request_extension": "Extension requested",
		"action.approve_extension": "Extension approved",
		"action.reject_extension":  "Extension rejected",
		"action.request_reports":   "Reports requested",
		"action.save_narrative":    "Report text saved",
		"action.set_schedule":      "Schedule saved",
		"action.trigger_report":    "Report round started",

		"dash.by_light":      "Deadline lights",
		"dash.extensions":    "%d extensions granted",
		"dash.overdue_units": "Overdue measures by unit",
		"dash.overdue_n":     "Overdue",
		"dash.no_overdue":    "No overdue measures.",

		"pq.extensions":    "Extension requests",
		"pq.no_extensions": "No extension requests waiting.",
		"uq.title":         "Late and due-soon problems",
		"uq.empty":         "Nothing late or due soon.",

		"rep.title":        "Reports",
		"rep.downloads":    "Downloads",
		"rep.report_md":    "Progress report (Markdown)",
		"rep.report_html":  "Progress report (HTML)",
		"rep.report_docx":  "Progress report (Word)",
		"rep.ledger":       "Ledger (Excel)",
		"rep.report_file":  "progress-report",
		"rep.ledger_file":  "ledger",
		"rep.narrative":    "Report text",
		"rep.organization": "Organisation and leadership",
		"rep.next_steps":   "Next steps",
		"rep.contact":      "Contact",
		"rep.save":         "Save",
		"rep.updated":      "Last saved",

		"imp.title":        "Import problems",
		"imp.hint":         "A ledger (.xlsx, .csv) or a report text (.txt, .md, .docx). Preview first, then choose the same file again and import; problems whose number exists are skipped.",
		"imp.file":         "File",
		"imp.create_units": "Create units the ledger names that do not exist",
		"imp.preview":      "Preview (dry run)",
		"imp.import":       "Import",
		"imp.rejected":     "These rows are wrong; nothing was imported",
		"imp.row":          "Row",
		"imp.reason":       "Reason",
		"imp.previewed":    "Preview of %s: %d problems, %d measures",
		"imp.again":        "The preview wrote nothing. To import, choose the file again and press Import.",
		"imp.done":         "Imported %s: %d new problems, %d skipped, %d plans submitted for approval",
		"imp.units":        "New units",
		"imp.measures":     "Measures",

		"sch.title":    "Report schedule",
		"sch.current":  "Now",
		"sch.off":      "Off",
		"sch.monthly":  "Monthly",
		"sch.weekly":   "Weekly",
		"sch.every":    "Interval",
		"sch.cadence":  "Cadence",
		"sch.arg":      "Day or interval",
		"sch.arg_hint": "Monthly: day 1–28; weekly: 0–6 (0 is Sunday); interval: e.g. 720h.",
		"sch.due_days": "Days to report",
		"sch.due_in":   "due in %d days",
		"sch.save":     "Save schedule",
		"sch.trigger":  "Run a report round now",
	},
}
