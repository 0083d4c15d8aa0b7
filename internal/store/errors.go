package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// errDatabaseUnavailable is what callers see while the database cannot be
// reached: a domain error the API answers with 503 and Retry-After.
func errDatabaseUnavailable(cause error) error {
	// The cause stays in the chain for logs; clients see only the message.
	return fmt.Errorf("%w (%w)", domain.Errorf(domain.EUnavailable, "the database is unavailable; retry shortly").WithKey("database_unavailable"), cause)
}

// isUnavailable reports whether err says the database could not be reached
// or dropped the connection, as opposed to refusing the statement. Only
// typed errors are inspected, never their text.
func isUnavailable(err error) bool {
	if err == nil || domain.IsCode(err, domain.EUnavailable) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableSQLState(pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	var opErr *net.OpError
	switch {
	case errors.As(err, &connectErr), errors.As(err, &opErr):
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, pgconn.ErrConnClosed):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// A statement never ends in EOF on a healthy connection: the
		// server or something between went away mid-conversation.
		return true
	case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		return true
	}
	return false
}

// unavailableSQLState reports whether a PostgreSQL SQLSTATE means the server
// is going away or cannot take the connection, rather than that the
// statement was wrong.
func unavailableSQLState(code string) bool {
	switch code {
	case "57P01", // admin_shutdown
		"57P02", // crash_shutdown
		"57P03", // cannot_connect_now (starting up or shutting down)
		"53300": // too_many_connections
		return true
	}
	// Class 08: connection exceptions.
	return len(code) == 5 && code[:2] == "08"
}

// unavailableTranslator wraps a gorm dialector so that every error gorm
// records (statements, Begin, Commit) passes through isUnavailable: the one
// place where a lost database becomes domain.EUnavailable. Other errors
// pass unchanged; the drivers' own translations stay off, since store code
// matches the errors they return today.
type unavailableTranslator struct {
	gorm.Dialector
}

var (
	_ gorm.ErrorTranslator               = unavailableTranslator{}
	_ gorm.SavePointerDialectorInterface = unavailableTranslator{}
)

// Translate implements gorm.ErrorTranslator.
func (d unavailableTranslator) Translate(err error) error {
	if isUnavailable(err) {
		return errDatabaseUnavailable(err)
	}
	return err
}

// Apply passes gorm's configuration to the wrapped dialector, which gorm
// would otherwise not find behind the wrapper.
func (d unavailableTranslator) Apply(config *gorm.Config) error {
	if a, ok := d.Dialector.(interface{ Apply(*gorm.Config) error }); ok {
		return a.Apply(config)
	}
	return nil
}

// SavePoint forwards nested transactions' savepoints to the wrapped dialector.
func (d unavailableTranslator) SavePoint(tx *gorm.DB, name string) error {
	if sp, ok := d.Dialector.(gorm.SavePointerDialectorInterface); ok {
		return sp.SavePoint(tx, name)
	}
	return gorm.ErrUnsupportedDriver
}

// RollbackTo forwards nested transactions' rollbacks to the wrapped dialector.
func (d unavailableTranslator) RollbackTo(tx *gorm.DB, name string) error {
	if sp, ok := d.Dialector.(gorm.SavePointerDialectorInterface); ok {
		return sp.RollbackTo(tx, name)
	}
	return gorm.ErrUnsupportedDriver
}
