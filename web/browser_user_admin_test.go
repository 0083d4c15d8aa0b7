package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rectify/rectify/internal/store/storetest"
)

// TestUserAdminBrowser: in Chromium, the admin edits a user in place and
// resets the password; the user signs in with the temporary password and is
// held on the change-password page until a new one is chosen.
func TestUserAdminBrowser(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := newBrowser(t, e.URL)
	ub := e.users["ub"]
	row := "#user-" + itoa(ub.ID)

	b.login("admin")
	b.wantStatus("users page", b.open("/admin/users"), 200)
	if err := chromedp.Do(b.ctx, chromedp.Click(css(row+" details.user-edit summary"), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	b.set(row+` details.user-edit input[name=display_name]`, "办公室李四光")
	b.wantStatus("edit", b.submit(row, "user-edit-"+itoa(ub.ID)), 200)
	if got := b.text(row + " td:nth-child(2)"); got != "办公室李四光" {
		t.Fatalf("name after the edit = %q", got)
	}
	b.screenshot("admin-users-edited")

	if err := chromedp.Do(b.ctx, chromedp.Click(css(row+" details.user-reset summary"), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	b.wantStatus("reset", b.submit(row, "user-reset-"+itoa(ub.ID)), 200)
	temporary := b.text("#temporary-password code")
	if len(temporary) < 10 {
		t.Fatalf("temporary password %q", temporary)
	}
	b.logout()

	b.open("/login")
	b.set(`input[name=username]`, "ub")
	b.set(`input[name=password]`, temporary)
	b.submit("", "login")
	if loc := b.location(); loc != "/account/password" {
		t.Fatalf("after signing in with the temporary password at %s, want /account/password", loc)
	}
	b.open("/workbench")
	if loc := b.location(); loc != "/account/password" {
		t.Fatalf("the workbench before the change opened %s", loc)
	}
	if msg := b.text("#must-change"); !strings.Contains(msg, "管理员已重置您的密码") {
		t.Fatalf("the change page says %q", msg)
	}
	b.set(`input[name=current_password]`, temporary)
	b.set(`input[name=new_password]`, "lisi-new-pass-1")
	b.wantStatus("change", b.submit("", "password"), 200)
	b.screenshot("account-password-changed")
	b.wantStatus("workbench after the change", b.open("/workbench"), 200)
	if loc := b.location(); loc != "/workbench" {
		t.Fatalf("the workbench after the change opened %s", loc)
	}
}
