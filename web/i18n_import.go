package web

// importMessages are the messages of the import form's preview: pasted
// text, the report's headline, groups of sub-problems and warnings.
var importMessages = map[string]map[string]string{
	"zh": {
		"imp.hint":          "支持台账（.xlsx、.csv）和通报（.txt、.md、.docx、从网页保存的 .html），也可直接粘贴通报正文；文本可为 UTF-8 或 GBK 编码。先预览，确认无误后再导入；已有编号的问题不会重复导入。",
		"imp.text":          "或粘贴通报正文",
		"imp.text_hint":     "（未选择文件时使用）",
		"imp.pasted":        "粘贴的文本",
		"imp.warnings":      "请核对以下提示（不影响导入）",
		"imp.summary":       "通报开头所述",
		"imp.sum.problems":  "反馈问题 %s 个",
		"imp.sum.completed": "已完成整改 %s 个",
		"imp.sum.progress":  "正在整改 %s 个",
		"imp.sum.rate":      "整改完成率 %s%%",
		"imp.sum.rules":     "建立完善制度 %s 项",
		"imp.sum.money":     "资金 %s 元",
		"imp.sum.people":    "处理 %s 人",
		"imp.groups":        "以下 %d 个问题由子问题组成，作为标题保留，其子问题逐个导入",
		"imp.parent":        "所属问题",
		"imp.section":       "所属方面",
	},
	"en": {
		"imp.hint":          "A ledger (.xlsx, .csv) or a report (.txt, .md, .docx, or .html saved from a web page), or paste the report's text; text may be UTF-8 or GBK. Preview first, then import; problems whose number exists are skipped.",
		"imp.text":          "Or paste the report's text",
		"imp.text_hint":     " (used when no file is chosen)",
		"imp.pasted":        "pasted text",
		"imp.warnings":      "Please check (the import is not stopped by these)",
		"imp.summary":       "The report's headline states",
		"imp.sum.problems":  "%s problems",
		"imp.sum.completed": "%s completed",
		"imp.sum.progress":  "%s in progress",
		"imp.sum.rate":      "completion rate %s%%",
		"imp.sum.rules":     "%s regulations",
		"imp.sum.money":     "%s yuan",
		"imp.sum.people":    "%s people handled",
		"imp.groups":        "These %d problems consist of sub-problems: kept as headings, each sub-problem is imported",
		"imp.parent":        "Group",
		"imp.section":       "Section",
	},
}
