package store

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"
)

// timeLayout is how SQLite stores instants: fixed width, so text order is
// time order (keyset pagination and range filters rely on it).
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dateLayout is how both engines receive calendar dates.
const dateLayout = "2006-01-02"

// ts turns an instant into a query argument for this dialect.
func (s *Store) ts(t time.Time) any {
	if s.dialect == Postgres {
		return t.UTC()
	}
	return t.UTC().Format(timeLayout)
}

// tsp is ts for optional instants: nil stays NULL.
func (s *Store) tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.ts(*t)
}

// date turns a calendar date into a query argument (both engines accept text).
func date(t time.Time) string { return t.UTC().Format(dateLayout) }

// scanTime reads an instant or date stored by either engine.
type scanTime struct {
	T     time.Time
	Valid bool
}

func (st *scanTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		st.Valid = false
		return nil
	case time.Time:
		st.T, st.Valid = x.UTC(), true
		return nil
	case string:
		return st.parse(x)
	case []byte:
		return st.parse(string(x))
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
}

func (st *scanTime) parse(s string) error {
	for _, layout := range []string{timeLayout, time.RFC3339Nano, dateLayout, "2006-01-02 15:04:05.999999999-07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			st.T, st.Valid = t.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("scan time: cannot parse %q", s)
}

func (st scanTime) ptr() *time.Time {
	if !st.Valid {
		return nil
	}
	t := st.T
	return &t
}

var _ interface{ Scan(any) error } = (*scanTime)(nil)

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newID makes a random id with a prefix that says what it names: "conn_…".
func newID(prefix string) string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the OS has no randomness: nothing sane to do
	}
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}
