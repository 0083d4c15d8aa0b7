// Package demo loads a demonstration campaign built from a real published rectification report.
package demo

import _ "embed"

// SeedReport is the verbatim text of a published 巡视整改 progress report,
// embedded so the demo works without any external files.
//
//go:embed seed_report.txt
var SeedReport string
