package importer_test

import (
	"encoding/csv"
	"strings"
)

func newCSV(s string) *csv.Reader {
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord = -1
	return r
}
