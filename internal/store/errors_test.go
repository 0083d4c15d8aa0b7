package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

func TestIsUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"ConnectionRefused", refused, true},
		{"ConnectionReset", fmt.Errorf("read: %w", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), true},
		{"ConnectError", &pgconn.ConnectError{Config: &pgconn.Config{}}, true},
		{"BadConn", fmt.Errorf("exec: %w", driver.ErrBadConn), true},
		{"ConnClosed", fmt.Errorf("begin: %w", pgconn.ErrConnClosed), true},
		{"UnexpectedEOF", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), true},
		{"EOF", io.EOF, true},
		{"DeadlineExceeded", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"AdminShutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"CrashShutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"CannotConnectNow", &pgconn.PgError{Code: "57P03"}, true},
		{"TooManyConnections", &pgconn.PgError{Code: "53300"}, true},
		{"ConnectionFailure", &pgconn.PgError{Code: "08006"}, true},
		{"UniqueViolation", &pgconn.PgError{Code: "23505"}, false},
		{"SyntaxError", &pgconn.PgError{Code: "42601"}, false},
		{"NotFound", gorm.ErrRecordNotFound, false},
		{"DomainConflict", domain.Errorf(domain.EConflict, "taken"), false},
		{"AlreadyUnavailable", errDatabaseUnavailable(refused), false},
		{"Canceled", context.Canceled, false},
		{"Plain", errors.New("something else"), false},
		{"Nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isUnavailable(tt.err); got != tt.want {
				t.Fatalf("isUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	d := unavailableTranslator{}
	t.Run("Unavailable", func(t *testing.T) {
		cause := fmt.Errorf("exec: %w", driver.ErrBadConn)
		err := d.Translate(cause)
		if !domain.IsCode(err, domain.EUnavailable) {
			t.Fatalf("code %q, want %q: %v", domain.ErrorCode(err), domain.EUnavailable, err)
		}
		if msg := domain.ErrorMessage(err); msg != "the database is unavailable; retry shortly" {
			t.Fatalf("message %q leaks or differs", msg)
		}
		if !errors.Is(err, driver.ErrBadConn) {
			t.Fatalf("the cause is lost: %v", err)
		}
		if again := d.Translate(err); again != err {
			t.Fatalf("translated twice: %v", again)
		}
	})
	t.Run("OtherUnchanged", func(t *testing.T) {
		if err := d.Translate(gorm.ErrRecordNotFound); err != gorm.ErrRecordNotFound {
			t.Fatalf("not-found changed to %v", err)
		}
	})
}
