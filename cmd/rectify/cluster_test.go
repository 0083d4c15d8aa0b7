package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/notify/notifytest"
)

// TestClusterUnderLoad runs the crash test's load on the production shape
// (deploy/local/up): the official Temporal server on PostgreSQL, two
// `rectify worker`, two `rectify api` and nginx in front of them. A random
// worker or API replica is SIGKILLed and started again several times, and
// the Temporal server once (for longer than an action waits for it, so
// that actions answer 503 with Retry-After until it is back); then the
// crash test's checks, `rectify audit verify`, and web forms rendered by
// one replica and posted to the other.
//
// It takes minutes, so it runs under CI=true or RECTIFY_CLUSTER_TEST=1
// only. It needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust),
// nginx (/usr/sbin/nginx) and the Temporal server binary, which
// deploy/local/up builds once into $HOME/.cache/rectify-cluster (under
// CI=true the test builds it when missing). Where one is missing it says
// why and skips, except under CI=true, where it fails.
func TestClusterUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal cluster and kills real processes")
	}
	ci := os.Getenv("CI") == "true"
	if !ci && os.Getenv("RECTIFY_CLUSTER_TEST") != "1" {
		t.Skip("takes minutes: runs under CI=true or RECTIFY_CLUSTER_TEST=1")
	}
	missing := func(format string, args ...any) {
		t.Helper()
		if ci {
			t.Fatalf("CI=true: "+format, args...)
		}
		t.Skipf(format, args...)
	}
	nginx := "/usr/sbin/nginx"
	if _, err := os.Stat(nginx); err != nil {
		missing("nginx is missing (%v): apt-get install -y nginx-light", err)
	}
	if out, err := exec.Command("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAtc", "SELECT 1").CombinedOutput(); err != nil {
		missing("PostgreSQL at 127.0.0.1:5432 (user postgres) does not answer: %v %s", err, out)
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	serverDir := filepath.Join(os.Getenv("HOME"), ".cache", "rectify-cluster", "temporal-"+temporalServerVersion(t))
	if _, err := os.Stat(filepath.Join(serverDir, "temporal-server")); err != nil && !ci {
		missing("the Temporal server is not built in %s: deploy/local/up builds it once (minutes)", serverDir)
	}

	began := time.Now()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RECTIFY_CRASH_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("RECTIFY_CRASH_SEED: %v", err)
		}
	}
	kills := 5
	t.Logf("seed %d (RECTIFY_CRASH_SEED=%d reproduces the kill schedule), %d kills", seed, seed, kills)
	rng := mrand.New(mrand.NewPCG(seed, 0))

	smtpSrv := notifytest.StartSMTP(t)
	hook := notifytest.StartWebhook(t, crashSecret)
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	c := &cluster{
		t: t, repo: repo, run: t.TempDir(), prefix: "ctest_" + hex.EncodeToString(suffix),
		// Below 32768 - 939: every Temporal port stays a smallint.
		base: 20000 + 100*(os.Getpid()%100),
		env: []string{
			"TEMPORAL_SERVER_DIR=" + serverDir, "NGINX=" + nginx,
			"RECTIFY_BIN=" + os.Args[0], execMainEnv + "=1", "RECTIFY_LOG_FORMAT=text",
			"RECTIFY_CLUSTER_ENV=SMTP_HOST=" + smtpSrv.Host + " SMTP_PORT=" + strconv.Itoa(smtpSrv.Port) +
				" SMTP_TLS=none SMTP_FROM=rectify@example.test WEBHOOK_URL=" + hook.URL + " WEBHOOK_SECRET=" + crashSecret,
		},
	}
	t.Cleanup(c.down)
	c.up()
	t.Logf("cluster up in %v (run dir %s, databases *%s*)", time.Since(began).Round(time.Millisecond), c.run, c.prefix)

	// The Temporal server is killed once, at the middle kill; the other
	// kills take a worker or an API replica at random.
	temporalKill := kills / 2
	summary := crashLoad(t, crashRun{
		began: began, seed: seed, rng: rng, kills: kills, baseURL: c.url(c.base + 80), smtp: smtpSrv, hook: hook,
		disrupt: func(k int, downAtLeastUntil time.Time) string {
			name := []string{"worker1", "worker2", "api1", "api2"}[rng.IntN(4)]
			if k == temporalKill {
				// Longer than an action waits for Temporal (30 s): the
				// load's actions answer 503 with Retry-After meanwhile.
				name, downAtLeastUntil = "temporal", time.Now().Add(35*time.Second)
			}
			c.kill(name)
			if extra := rng.IntN(400); extra > 0 {
				time.Sleep(time.Duration(extra) * time.Millisecond)
			}
			time.Sleep(time.Until(downAtLeastUntil))
			c.up()
			return name
		},
		logs: func() []string {
			logs, _ := filepath.Glob(filepath.Join(c.run, "log", "*.log"))
			return logs
		},
	})
	if summary.unavailable == 0 {
		t.Errorf("no action answered 503 with Retry-After while the Temporal server was down")
	}

	// The audit chain, checked by the command line on the database.
	audit := exec.Command(os.Args[0], "audit", "verify")
	audit.Env = append(os.Environ(), execMainEnv+"=1", "DATABASE_URL="+c.databaseURL(), "RECTIFY_DATA_DIR="+filepath.Join(c.run, "data"))
	if out, err := audit.CombinedOutput(); err != nil || !strings.Contains(string(out), "audit chain intact") {
		t.Errorf("rectify audit verify: %v\n%s", err, out)
	}

	// Web forms: rendered by one replica, posted to the other, alternately.
	c.checkFormsAcrossReplicas()
	t.Logf("cluster test elapsed %v", time.Since(began).Round(time.Millisecond))
}

// temporalServerVersion is the version of go.temporal.io/server this
// binary was built with (the embedded server's).
func temporalServerVersion(t *testing.T) string {
	info, ok := debug.ReadBuildInfo()
	if ok {
		for _, d := range info.Deps {
			if d.Path == "go.temporal.io/server" {
				return d.Version
			}
		}
	}
	t.Fatal("no go.temporal.io/server in the build information")
	return ""
}

// cluster is a run of deploy/local/up in a test's own run directory,
// databases and ports.
type cluster struct {
	t      *testing.T
	repo   string
	run    string
	prefix string
	base   int
	env    []string
}

func (c *cluster) script(name string) {
	c.t.Helper()
	cmd := exec.Command(filepath.Join(c.repo, "deploy", "local", name))
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Env = append(cmd.Env, "RECTIFY_CLUSTER_DIR="+c.run, "RECTIFY_CLUSTER_PORT="+strconv.Itoa(c.base), "RECTIFY_CLUSTER_DB="+c.prefix)
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("deploy/local/%s: %v\n%s", name, err, out)
	}
}

// up starts what is not running (all of it the first time).
func (c *cluster) up() { c.t.Helper(); c.script("up") }

// down stops everything and drops the test's databases.
func (c *cluster) down() {
	c.script("down")
	for _, db := range []string{"rectify_" + c.prefix, "temporal_" + c.prefix, "temporal_" + c.prefix + "_visibility"} {
		out, err := exec.Command("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAtc",
			"DROP DATABASE IF EXISTS "+db+" WITH (FORCE)").CombinedOutput()
		if err != nil {
			c.t.Logf("drop %s: %v %s", db, err, out)
		}
	}
}

// kill sends SIGKILL to one process by its pid file and waits until it is
// gone (or a zombie: nobody may reap it here).
func (c *cluster) kill(name string) {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.run, "pid", name+".pid"))
	if err != nil {
		c.t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		c.t.Fatalf("%s.pid: %v", name, err)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for range 100 {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("%s (pid %d) still runs after SIGKILL", name, pid)
}

func (c *cluster) url(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) }

func (c *cluster) databaseURL() string {
	return "postgres://postgres@127.0.0.1:5432/rectify_" + c.prefix + "?sslmode=disable"
}

var clusterCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// checkFormsAcrossReplicas signs in and out a few times, each form taken
// from one API replica and posted to the other: the CSRF key and the
// sessions are shared.
func (c *cluster) checkFormsAcrossReplicas() {
	t := c.t
	t.Helper()
	replicas := []string{c.url(c.base + 81), c.url(c.base + 82)}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	token := func(page string) string {
		t.Helper()
		resp, err := client.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := clusterCSRF.FindSubmatch(body)
		if m == nil {
			t.Fatalf("GET %s: %d, no CSRF token", page, resp.StatusCode)
		}
		return string(m[1])
	}
	post := func(to, path string, form url.Values) *http.Response {
		t.Helper()
		resp, err := client.PostForm(to+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 4 {
		from, to := replicas[i%2], replicas[(i+1)%2]
		resp := post(to, "/login", url.Values{"csrf_token": {token(from + "/login")}, "username": {"admin"}, "password": {"admin-password"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == "/login" {
			t.Fatalf("round %d: the login form of %s posted to %s: %d (Location %q)", i, from, to, resp.StatusCode, resp.Header.Get("Location"))
		}
		resp = post(from, "/logout", url.Values{"csrf_token": {token(to + "/dashboard")}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("round %d: the logout form of %s posted to %s: %d (Location %q)", i, to, from, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
