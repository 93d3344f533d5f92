package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
)

// mustAffect turns "no row changed" into ErrNotFound: the row is missing or
// belongs to another workspace, and callers must not learn which.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// jsonText encodes v for a TEXT column.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// nullBool reads a nullable boolean stored as INTEGER (SQLite) or BOOLEAN.
type nullBool struct {
	V     bool
	Valid bool
}

func (b *nullBool) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		b.Valid = false
	case bool:
		b.V, b.Valid = x, true
	case int64:
		b.V, b.Valid = x != 0, true
	default:
		return fmt.Errorf("scan bool: unexpected %T", v)
	}
	return nil
}

func (b nullBool) ptr() *bool {
	if !b.Valid {
		return nil
	}
	v := b.V
	return &v
}

// boolArg passes an optional boolean.
func boolArg(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// nullString stores "" as NULL (an optional reference).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
