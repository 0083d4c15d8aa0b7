package web

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/rectify/rectify/internal/domain"
)

// TestCatalogue checks that both languages have the same keys, and that
// every key the templates use and every domain name exists.
func TestCatalogue(t *testing.T) {
	cat := newCatalogue()
	zh := cat.Messages("zh")
	used := regexp.MustCompile(`\.Tf? "([a-z_.0-9]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			if _, ok := zh[m[1]]; !ok {
				t.Errorf("%s uses %q, which the catalogue lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range domain.AllStages() {
		keys = append(keys, "stage."+string(s))
	}
	for _, k := range []domain.MeasureKind{domain.KindImmediate, domain.KindDeadline, domain.KindLongTerm} {
		keys = append(keys, "kind."+string(k))
	}
	for _, r := range []domain.Role{domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor, domain.RoleDiscipline, domain.RoleUnit} {
		keys = append(keys, "role."+string(r))
	}
	for _, s := range domain.Actions() {
		keys = append(keys, s.MessageKey())
	}
	for _, a := range []domain.Action{domain.ActionCreate, "add_evidence", "withdraw_evidence", "add_outcome"} {
		keys = append(keys, "action."+string(a))
	}
	for _, l := range []domain.Light{domain.LightRed, domain.LightYellow, domain.LightGreen} {
		keys = append(keys, "light."+string(l), "light."+string(l)+".hint")
	}
	for _, k := range []domain.NoticeKind{domain.NoticeWarning, domain.NoticeOverdue, domain.NoticeAckOverdue, domain.NoticeReviewLate,
		domain.NoticeEscalation, domain.NoticeUrge, domain.NoticeReportDue, domain.NoticeReportLate, domain.NoticeExtension} {
		keys = append(keys, "notice."+string(k))
	}
	for _, s := range []domain.ExtensionStatus{domain.ExtensionPending, domain.ExtensionApproved, domain.ExtensionRejected} {
		keys = append(keys, "ext."+string(s))
	}
	for _, k := range []domain.OutcomeKind{domain.OutcomeRegulation, domain.OutcomeMoney, domain.OutcomePeople, domain.OutcomeFigure} {
		keys = append(keys, "oc.kind."+string(k))
	}
	for _, r := range []domain.LookbackResult{domain.LookbackConfirmed, domain.LookbackReopened} {
		keys = append(keys, "lb.result."+string(r))
	}
	for _, code := range []string{domain.EInvalid, domain.EUnauthorized, domain.EForbidden, domain.ENotFound, domain.EConflict, domain.EUnavailable, domain.EInternal} {
		keys = append(keys, "err."+code)
	}
	for _, k := range keys {
		if _, ok := zh[k]; !ok {
			t.Errorf("the catalogue lacks %q", k)
		}
	}
	if got := cat.lang("zh").Stage(domain.StageExecute); got != "整改落实" {
		t.Errorf("execute in Chinese = %q", got)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"":                            "zh",
		"zh-CN,zh;q=0.9":              "zh",
		"en-US,en;q=0.9":              "en",
		"en-US;q=0.5,zh-CN;q=0.8":     "zh",
		"fr-FR,en;q=0.7,zh-TW;q=0.6":  "en",
		"de-DE":                       "zh",
		"zh-Hans-CN;q=0.9, en;q=0.95": "en",
	} {
		if got := fromAcceptLanguage(header); got != want {
			t.Errorf("fromAcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/problems/1":            "/problems/1",
		"/workbench?x=1":         "/workbench?x=1",
		"//evil.example/":        "/d",
		"https://evil.example":   "/d",
		"/\\evil.example":        "/d",
		"":                       "/d",
		"/a\r\nSet-Cookie: x":    "/d",
		"/\t/evil.invalid/pwned": "/d",
		"/\n/evil.invalid":       "/d",
		"\\\\evil.invalid":       "/d",
		"/a\\b":                  "/a/b",
	} {
		if got := localPath(in, "/d"); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
