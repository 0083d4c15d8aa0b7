package importer

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/rectify/rectify/internal/domain"
)

// DecodeText turns the bytes of a text file into a string: UTF-8 with or
// without a byte order mark, UTF-16 with one, or else GB18030 (a superset
// of GBK and GB2312, in which government files are often saved). Data that
// is none of these — a binary file given a text name — is refused as
// unsupported.
func DecodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(out) {
			return "", notText()
		}
		return checkText(string(out))
	}
	if utf8.Valid(data) {
		return checkText(string(data))
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", notText()
	}
	return checkText(string(out))
}

// checkText refuses text with control characters that no document has
// (NUL and the like), which a decoder accepts but means binary data.
func checkText(s string) (string, error) {
	bad := 0
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f') || r == utf8.RuneError {
			bad++
		}
	}
	if bad > 0 && bad*100 > utf8.RuneCountInString(s) {
		return "", notText()
	}
	return strings.ToValidUTF8(s, "\uFFFD"), nil
}

func notText() error {
	return unsupported(domain.Errorf(domain.EInvalid, "the file is not text (it looks like binary data): import %s", Accepted).WithKey("import_not_text", "accepted", Accepted).WithField("file"))
}
