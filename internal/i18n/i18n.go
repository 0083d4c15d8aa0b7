// Package i18n holds Rectify's messages in Chinese and English, as one JSON
// catalogue file per language embedded in the binary, and renders keyed
// errors in either. Chinese is the default.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Languages returns the catalogues' codes, the default first.
func Languages() []string { return []string{"zh", "en"} }

//go:embed catalogues/*.json
var files embed.FS

// Catalogue is the messages of every language by key.
type Catalogue struct {
	msgs map[string]map[string]string
}

// Load reads the embedded catalogue files.
func Load() (*Catalogue, error) {
	c := &Catalogue{msgs: map[string]map[string]string{}}
	for _, code := range Languages() {
		b, err := files.ReadFile("catalogues/" + code + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", code, err)
		}
		c.msgs[code] = m
	}
	return c, nil
}

// MustLoad is Load for callers that cannot go on without messages; the
// files are part of the binary, so a failure is a build defect.
func MustLoad() *Catalogue {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Lang returns code when it is a catalogue's, else the default.
func Lang(code string) string {
	if code == "en" {
		return "en"
	}
	return "zh"
}

// Message returns the message for key in lang, falling back to Chinese.
func (c *Catalogue) Message(lang, key string) (string, bool) {
	if m, ok := c.msgs[Lang(lang)][key]; ok {
		return m, true
	}
	m, ok := c.msgs["zh"][key]
	return m, ok
}

// Keys returns the keys of lang's catalogue, sorted.
func (c *Catalogue) Keys(lang string) []string {
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Messages returns a copy of lang's catalogue.
func (c *Catalogue) Messages(lang string) map[string]string {
	m := make(map[string]string, len(c.msgs[lang]))
	for k, v := range c.msgs[lang] {
		m[k] = v
	}
	return m
}

// ErrorKey is the catalogue key of an error's message.
func ErrorKey(key string) string { return "error." + key }

// Error renders the message of the error key with params in lang, and
// whether the catalogue has it. "{name}" in a message is params[name];
// "{name|prefix}" names the value as the catalogue does under prefix (a
// role as "role.admin" → 管理员), the value itself when it has no entry.
func (c *Catalogue) Error(lang, key string, params map[string]any) (string, bool) {
	msg, ok := c.Message(lang, ErrorKey(key))
	if !ok {
		return "", false
	}
	return c.fill(lang, msg, params), true
}

// Text renders the message of key with params in lang, as Error does for
// error keys, and whether the catalogue has it.
func (c *Catalogue) Text(lang, key string, params map[string]any) (string, bool) {
	msg, ok := c.Message(lang, key)
	if !ok {
		return "", false
	}
	return c.fill(lang, msg, params), true
}

func (c *Catalogue) fill(lang, msg string, params map[string]any) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(msg, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(msg[open:], '}')
		if end < 0 {
			break
		}
		b.WriteString(msg[:open])
		name, prefix, _ := strings.Cut(msg[open+1:open+end], "|")
		v := paramText(params[name])
		if prefix != "" {
			if m, ok := c.Message(lang, prefix+"."+v); ok {
				v = m
			}
		}
		b.WriteString(v)
		msg = msg[open+end+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// paramText writes numbers that came through JSON (float64) as integers
// when they are.
func paramText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// FromAcceptLanguage returns "en" or "zh", whichever the header prefers
// (by q-value, then order); "zh" when it names neither.
func FromAcceptLanguage(header string) string {
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
