// Package faults holds end-to-end tests of Rectify under dependency faults:
// PostgreSQL or the Temporal frontend going away under load and coming back,
// through internal/faultproxy, with nothing restarted. It has no code of its
// own; the tests drive the app's HTTP handler.
package faults
