package store

import "context"

// ExecSQL runs a raw statement on the store's database, for tests that need
// a state no store method produces (such as a disabled user).
func (s *Store) ExecSQL(ctx context.Context, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}
