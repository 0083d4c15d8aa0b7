package httpx

import (
	"mime"
	"strings"
	"testing"
)

func TestAttachment(t *testing.T) {
	tests := []struct {
		name, file string
		// fallback is the plain filename= old clients read, before the
		// encoded filename* that the others prefer.
		fallback string
	}{
		{"ASCII", "report-3.html", "filename=report-3.html"},
		{"Chinese", "2026年巡察-整改报告.docx", "filename=2026___-____.docx; filename*="},
		{"QuotesAndSemicolons", `a"b;c.pdf`, `filename="a\"b;c.pdf"`},
		{"HeaderInjection", "x\r\nSet-Cookie: a=b.pdf", `filename="x__Set-Cookie: a=b.pdf"; filename*=`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cd := Attachment(tc.file)
			if strings.ContainsAny(cd, "\r\n") {
				t.Fatalf("Content-Disposition %q breaks the header", cd)
			}
			disp, params, err := mime.ParseMediaType(cd)
			if err != nil || disp != "attachment" || params["filename"] != tc.file {
				t.Errorf("Content-Disposition %q parses as %q %v (%v), want the name %q", cd, disp, params, err, tc.file)
			}
			if !strings.HasPrefix(cd, "attachment; "+tc.fallback) {
				t.Errorf("Content-Disposition %q lacks the fallback %q", cd, tc.fallback)
			}
		})
	}
}
