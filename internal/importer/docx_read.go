package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/rectify/rectify/internal/domain"
)

// DocxText returns the text of a .docx document, one line per paragraph
// (w:p), with tabs and line breaks kept. It reads only word/document.xml,
// and at most maxUnzippedXML bytes of it, so a zip bomb stops early.
func DocxText(data []byte) (string, error) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return "", domain.Errorf(domain.EInvalid, "the file is not a docx document (it is not a zip archive; save it from Word or WPS as .docx)").WithKey("import_docx_not_zip").WithField("file")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", domain.Errorf(domain.EInvalid, "the docx file is damaged (its zip archive cannot be opened)").WithKey("import_docx_damaged").WithField("file")
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if doc == nil {
		return "", domain.Errorf(domain.EInvalid, "the file is a zip archive but not a docx document (no word/document.xml)").WithKey("import_docx_not_docx").WithField("file")
	}
	rc, err := doc.Open()
	if err != nil {
		return "", domain.Errorf(domain.EInvalid, "the docx file is damaged (word/document.xml cannot be opened)").WithKey("import_docx_damaged").WithField("file")
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxUnzippedXML + 1}
	text, err := paragraphs(lr)
	switch {
	case lr.N <= 0:
		return "", domain.Errorf(domain.EInvalid, "the docx document is too large once unpacked").WithKey("import_docx_too_large").WithField("file")
	case errors.Is(err, errTooDeep):
		return "", domain.Errorf(domain.EInvalid, "the docx document nests its elements more than %d deep; no document from Word or WPS does: save it again as .docx", maxDocxDepth).WithKey("import_docx_nested").WithField("file")
	case errors.Is(err, errTooManyElements):
		return "", domain.Errorf(domain.EInvalid, "the docx document has more than %d elements; a report has far fewer", maxDocxElements).WithKey("import_docx_too_large").WithField("file")
	case errors.Is(err, errTooMuchText):
		return "", domain.Errorf(domain.EInvalid, "the docx document has more than %d MB of text", MaxFileSize>>20).WithKey("import_docx_too_large").WithField("file")
	case err != nil:
		return "", domain.Errorf(domain.EInvalid, "the docx file is damaged (word/document.xml is not well-formed)").WithKey("import_docx_damaged").WithField("file")
	}
	return text, nil
}

// Limits on word/document.xml that keep a hostile document's cost fixed:
// nesting (the XML decoder keeps a record per open element), elements, and
// the text collected.
const (
	maxDocxDepth    = 256
	maxDocxElements = 1_000_000
)

var (
	errTooDeep         = errors.New("docx: too deep")
	errTooManyElements = errors.New("docx: too many elements")
	errTooMuchText     = errors.New("docx: too much text")
)

// paragraphs walks WordprocessingML: text runs (w:t) inside paragraphs
// (w:p); w:tab and w:br/w:cr become a tab and a line break.
func paragraphs(r io.Reader) (string, error) {
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	dec := xml.NewDecoder(r)
	var b strings.Builder
	inText := false
	depth, elements := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		} else if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			elements++
			if depth > maxDocxDepth {
				return "", errTooDeep
			}
			if elements > maxDocxElements {
				return "", errTooManyElements
			}
			if t.Name.Space != w {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			depth--
			if t.Name.Space != w {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteByte('\n')
			}
			if b.Len() > MaxFileSize {
				return "", errTooMuchText
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
}
