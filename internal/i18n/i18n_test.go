package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestCataloguesMatch fails when a key is in one language only, or when the
// two languages' messages of a key fill in different parameters.
func TestCataloguesMatch(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := c.Messages("zh"), c.Messages("en")
	if len(zh) == 0 {
		t.Fatal("the Chinese catalogue is empty")
	}
	for _, pair := range []struct {
		a, b   string
		ma, mb map[string]string
	}{{"zh", "en", zh, en}, {"en", "zh", en, zh}} {
		for k := range pair.ma {
			if _, ok := pair.mb[k]; !ok {
				t.Errorf("%q is in %s but not in %s", k, pair.a, pair.b)
			}
		}
	}
	for k, m := range zh {
		if e, ok := en[k]; ok && placeholders(m) != placeholders(e) {
			t.Errorf("%q: zh fills %s, en fills %s", k, placeholders(m), placeholders(e))
		}
	}
}

var placeholder = regexp.MustCompile(`\{[a-z_]+(\|[a-z_.]+)?\}|%[sdv]`)

func placeholders(m string) string {
	found := placeholder.FindAllString(m, -1)
	for i, p := range found {
		if strings.HasPrefix(p, "%") {
			found[i] = "%" + ordinal(i) + p[1:]
		}
	}
	sort.Strings(found)
	return strings.Join(found, " ")
}

// ordinal numbers printf verbs so that their order counts.
func ordinal(i int) string { return string(rune('a' + i)) }

// withKey finds every error key the code declares; nonLiteral finds keys
// that are not string literals, which the enumeration could not see.
var (
	withKey    = regexp.MustCompile(`\.WithKey\(\s*"([^"]+)"`)
	nonLiteral = regexp.MustCompile(`\.WithKey\(\s*[^"\s]`)
)

// TestErrorKeysHaveMessages enumerates the error keys used anywhere in the
// module and fails when either catalogue lacks one.
func TestErrorKeysHaveMessages(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if !strings.HasPrefix(rel, filepath.Join("internal", "domain", "errors.go")) && nonLiteral.Match(src) {
			t.Errorf("%s: WithKey takes a string literal so that this test sees the key", rel)
		}
		for _, m := range withKey.FindAllSubmatch(src, -1) {
			keys[string(m[1])] = rel
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d error keys in the code; the search is broken", len(keys))
	}
	for key, file := range keys {
		for _, lang := range Languages() {
			if _, ok := c.Messages(lang)[ErrorKey(key)]; !ok {
				t.Errorf("%s: error key %q has no %s message", file, key, lang)
			}
		}
	}
}

func TestError(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]any{"n": float64(1), "title": "强化工作部署", "role": "admin"}
	for _, tc := range []struct {
		name, lang, key, want string
	}{
		{"Chinese", "zh", "measure_not_completed", "措施1“强化工作部署”尚未完成"},
		{"English", "en", "measure_not_completed", `Measure 1 "强化工作部署" is not completed`},
		{"RoleNamed", "zh", "role_may_not", "管理员无权进行此操作"},
		{"DefaultChinese", "fr", "measure_not_completed", "措施1“强化工作部署”尚未完成"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := c.Error(tc.lang, tc.key, params)
			if !ok || got != tc.want {
				t.Errorf("Error(%s, %s) = %q, %v; want %q", tc.lang, tc.key, got, ok, tc.want)
			}
		})
	}
	if _, ok := c.Error("zh", "no_such_key", nil); ok {
		t.Error("an unknown key was found")
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
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}
