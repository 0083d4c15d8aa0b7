package importer

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/rectify/rectify/internal/domain"
)

// A workbook's shared strings are read whole by the xlsx library, at
// several times their unpacked size in memory, before any row is seen: a
// small file can name millions of them. They are counted first, streaming,
// and a workbook with more than a ledger could need is refused. A ledger
// of MaxRows rows of ten columns has at most 200,000 distinct texts.
const (
	maxSharedStrings      = 200_000
	maxSharedStringsBytes = 16 << 20
)

// checkSharedStrings refuses a workbook whose shared strings table is
// larger than maxSharedStringsBytes unpacked or has more than
// maxSharedStrings entries.
func checkSharedStrings(zr *zip.Reader) error {
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, "xl/sharedStrings.xml") {
			continue
		}
		if f.UncompressedSize64 > maxSharedStringsBytes {
			return tooManyStrings()
		}
		rc, err := f.Open()
		if err != nil {
			return domain.Errorf(domain.EInvalid, "the xlsx file is damaged (its shared strings cannot be opened)").WithKey("import_xlsx_damaged").WithField("file")
		}
		defer rc.Close()
		// The size in the zip header may lie; the reader may not.
		lr := &io.LimitedReader{R: rc, N: maxSharedStringsBytes + 1}
		dec := xml.NewDecoder(lr)
		count := 0
		for {
			tok, err := dec.RawToken()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if lr.N <= 0 {
				return tooManyStrings()
			}
			if err != nil {
				return domain.Errorf(domain.EInvalid, "the xlsx file is damaged (its shared strings are not well-formed)").WithKey("import_xlsx_damaged").WithField("file")
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
				if count++; count > maxSharedStrings {
					return tooManyStrings()
				}
			}
		}
	}
	return nil
}

func tooManyStrings() error {
	return domain.Errorf(domain.EInvalid,
		"the workbook's shared strings table is too large (more than %d texts or %d MB unpacked); a ledger has far fewer: save the ledger alone as .xlsx or .csv",
		maxSharedStrings, maxSharedStringsBytes>>20).WithKey("import_xlsx_strings_too_large")
}
