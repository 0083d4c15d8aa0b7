package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/store/storetest"
)

var temporaryPasswordRE = regexp.MustCompile(`id="temporary-password">[^<]*<code>([^<]+)</code>`)

// TestUserAdminPages walks /admin/users as an admin: edit, a refused edit
// that keeps what was typed, disable and enable, a password reset, and the
// forced change at the user's next sign-in.
func TestUserAdminPages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	admin := browserClient(t)
	_, tok := login(t, e, admin, "admin")
	ub := e.users["ub"]
	row := e.URL + "/admin/users/" + itoa(ub.ID)

	t.Run("Edit", func(t *testing.T) {
		resp, _ := post(t, admin, row, url.Values{"csrf_token": {tok}, "display_name": {"办公室李四光"}, "role": {"unit"},
			"unit_id": {itoa(e.units["办公室"].ID)}, "unit_role": {"head"}, "email": {"lisi@example.org"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "#user-"+itoa(ub.ID)) {
			t.Fatalf("edit: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body := get(t, admin, e.URL+resp.Header.Get("Location"))
		if !strings.Contains(body, "已保存 办公室李四光") || !strings.Contains(body, `value="lisi@example.org"`) {
			t.Fatalf("after the edit the page lacks the note or the new values:\n%s", body)
		}
	})

	t.Run("EditRefused", func(t *testing.T) {
		resp, body := post(t, admin, row, url.Values{"csrf_token": {tok}, "display_name": {"改了名字"}, "role": {"unit"},
			"unit_id": {""}, "unit_role": {"staff"}, "email": {"x@example.org"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "责任单位用户须选择所属单位") ||
			!strings.Contains(body, `value="改了名字"`) || !strings.Contains(body, `<details class="user-edit" open>`) {
			t.Fatalf("refused edit: status %d, want 400 with the message beside the open form and the input kept:\n%s", resp.StatusCode, body)
		}
		resp, body = post(t, admin, e.URL+"/admin/users/"+itoa(e.users["admin"].ID), url.Values{"csrf_token": {tok}, "role": {"leader"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "最后一个启用的管理员") {
			t.Fatalf("demoting the last admin: status %d, want 409 with the last-admin message", resp.StatusCode)
		}
		resp, body = post(t, admin, e.URL+"/admin/users/"+itoa(e.users["admin"].ID)+"/disable", url.Values{"csrf_token": {tok}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "不能停用自己的账号") {
			t.Fatalf("disabling oneself: status %d", resp.StatusCode)
		}
	})

	t.Run("DisableEnable", func(t *testing.T) {
		user := browserClient(t)
		login(t, e, user, "ub")
		resp, _ := post(t, admin, row+"/disable", url.Values{"csrf_token": {tok}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d", resp.StatusCode)
		}
		_, body := get(t, admin, e.URL+resp.Header.Get("Location"))
		if !strings.Contains(body, "已停用 办公室李四光") || !strings.Contains(body, `action="/admin/users/`+itoa(ub.ID)+`/enable"`) {
			t.Fatalf("after disabling, the row offers no 启用")
		}
		if resp, _ := get(t, user, e.URL+"/dashboard"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("a disabled user's page: %d → %s, want the login page", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = post(t, admin, row+"/enable", url.Values{"csrf_token": {tok}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("enable: %d", resp.StatusCode)
		}
		login(t, e, user, "ub")
	})

	t.Run("ResetPassword", func(t *testing.T) {
		resp, body := post(t, admin, row+"/password-reset", url.Values{"csrf_token": {tok}, "password": {"short"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "密码至少10个字符") || strings.Contains(body, `value="short"`) ||
			!strings.Contains(body, `<details class="user-reset" open>`) {
			t.Fatalf("weak reset password: status %d, want 400 beside the open form without the password echoed", resp.StatusCode)
		}
		resp, body = post(t, admin, row+"/password-reset", url.Values{"csrf_token": {tok}})
		m := temporaryPasswordRE.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil || !strings.Contains(body, "已重置 办公室李四光 的密码") {
			t.Fatalf("reset: status %d, no temporary password shown:\n%s", resp.StatusCode, body)
		}
		temporary := m[1]

		user := browserClient(t)
		_, body = get(t, user, e.URL+"/login")
		resp, _ = post(t, user, e.URL+"/login", url.Values{"csrf_token": {csrfRE.FindStringSubmatch(body)[1]}, "username": {"ub"}, "password": {temporary}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login with the temporary password: %d", resp.StatusCode)
		}
		for _, page := range []string{"/dashboard", "/problems", "/workbench", "/notifications"} {
			if resp, _ := get(t, user, e.URL+page); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
				t.Fatalf("%s before the change: %d → %s, want /account/password", page, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		_, body = get(t, user, e.URL+"/account/password")
		if !strings.Contains(body, "管理员已重置您的密码") {
			t.Fatalf("the change page does not say why")
		}
		utok := csrfRE.FindStringSubmatch(body)[1]
		resp, body = post(t, user, e.URL+"/account/password", url.Values{"csrf_token": {utok}, "current_password": {"wrong-wrong-1"}, "new_password": {"lisi-new-pass-1"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "当前密码不正确") || strings.Contains(body, "lisi-new-pass-1") {
			t.Fatalf("wrong current password: %d", resp.StatusCode)
		}
		resp, body = post(t, user, e.URL+"/account/password", url.Values{"csrf_token": {utok}, "current_password": {temporary}, "new_password": {"lisi-new-pass-1"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "密码已修改") || strings.Contains(body, `id="must-change"`) {
			t.Fatalf("change: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := get(t, user, e.URL+"/dashboard"); resp.StatusCode != http.StatusOK {
			t.Fatalf("dashboard after the change: %d", resp.StatusCode)
		}
	})
}
