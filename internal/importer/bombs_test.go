package importer_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/reporttext"
)

// memoryCeiling is what one import may add to the live heap, whatever the
// file.
const memoryCeiling = 100 << 20

// zipStream writes one zip entry from a generator, so a bomb's unpacked
// size never sits in the test's memory.
func zipStream(t testing.TB, small map[string]string, name string, gen func(w io.Writer) error) []byte {
	t.Helper()
	return zipWith(t, small, func(zw *zip.Writer) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		return gen(w)
	})
}

// repeat writes s n times through a buffer of whole copies.
func repeat(w io.Writer, s string, n int) error {
	chunk := strings.Repeat(s, 4096)
	for ; n >= 4096; n -= 4096 {
		if _, err := io.WriteString(w, chunk); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, strings.Repeat(s, n))
	return err
}

// sharedStringsBomb is a workbook of ~150 KB whose shared strings table
// unpacks to ~61 MB of 3.4 million entries.
func sharedStringsBomb(t testing.TB) []byte {
	const entries = 3_400_000
	small := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="整改台账" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
	}
	return zipStream(t, small, "xl/sharedStrings.xml", func(w io.Writer) error {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		if err := repeat(w, "<si><t>x</t></si>", entries); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</sst>`)
		return err
	})
}

// nestedParagraphsBomb is a .docx of 2 million paragraphs nested in each
// other, a few tens of KB packed.
func nestedParagraphsBomb(t testing.TB) []byte {
	const depth = 2_000_000
	return zipStream(t, map[string]string{"[Content_Types].xml": "<Types/>"}, "word/document.xml", func(w io.Writer) error {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
		if err := repeat(w, "<w:p>", depth); err != nil {
			return err
		}
		if err := repeat(w, "</w:p>", depth); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</w:body></w:document>`)
		return err
	})
}

// heapPeak runs f while sampling the live heap every millisecond and
// returns the most it grew over the heap before f.
func heapPeak(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	close(done)
	<-stopped
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

// TestBombs: hostile files are refused as invalid (400) within a fixed
// memory budget.
func TestBombs(t *testing.T) {
	tests := []struct {
		name, file string
		data       func(testing.TB) []byte
		want       string
	}{
		{"SharedStringsBomb", "ledger.xlsx", sharedStringsBomb, "shared strings"},
		{"NestedParagraphsBomb", "report.docx", nestedParagraphsBomb, "nests its elements"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			if len(data) > 400<<10 {
				t.Fatalf("the bomb is %d KB packed; it should be small", len(data)>>10)
			}
			var err error
			grew := heapPeak(func() { _, err = importer.Read(tc.file, bytes.NewReader(data), now) })
			t.Logf("%s: %d KB packed, heap grew by %.1f MB at most", tc.name, len(data)>>10, float64(grew)/(1<<20))
			if domain.ErrorCode(err) != domain.EInvalid || errors.Is(err, importer.ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an invalid (400) error about %q", err, tc.want)
			}
			if grew > memoryCeiling {
				t.Errorf("heap grew by %d MB, want at most %d MB", grew>>20, memoryCeiling>>20)
			}
		})
	}
}

// TestRefusals: what an import refuses, and as what.
func TestRefusals(t *testing.T) {
	report := docx(t, "标题\n（一）关于“甲”问题的整改情况\n推进情况：一是做了。\n")
	tests := []struct {
		name, file  string
		data        []byte
		unsupported bool // 415 rather than 400
		want        string
	}{
		{"UnknownType", "report.exe", []byte("MZ\x90\x00"), true, ".html"},
		{"OldWord", "report.doc", []byte("\xd0\xcf\x11\xe0"), true, ".docx"},
		{"BinaryAsText", "report.txt", bytes.Repeat([]byte{0, 1, 2, 0x9f, 0xff, 0}, 200), true, "not text"},
		{"BinaryAsHTML", "page.html", bytes.Repeat([]byte{0, 0xfe, 3}, 300), true, "not text"},
		{"TruncatedDocx", "report.docx", report[:len(report)/2], false, "damaged"},
		{"NoProblems", "report.txt", []byte("某单位工作总结\n一、工作开展情况\n今年以来，我们做了很多工作。\n"), false, "问题一："},
		{"HTMLWithoutProblems", "page.html", []byte("<html><body><nav>（一）关于“导航”问题</nav><p>没有问题。</p></body></html>"), false, "looked for"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importer.Read(tc.file, bytes.NewReader(tc.data), now)
			if domain.ErrorCode(err) != domain.EInvalid || errors.Is(err, importer.ErrUnsupported) != tc.unsupported ||
				!strings.Contains(domain.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v (unsupported %v), want one saying %q (unsupported %v)", err, errors.Is(err, importer.ErrUnsupported), tc.want, tc.unsupported)
			}
		})
	}
	if !strings.Contains(reporttext.LookedFor, "（1）") {
		t.Error("the patterns looked for do not name （1）")
	}
}
