package store

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// newestFirst pages a list newest first by (created_at, id), which never
// change: paging neither skips nor repeats a row, and rows added meanwhile
// appear before the first page. Its value names the list in its cursors,
// so one list refuses another's cursor.
type newestFirst string

const (
	inquiryPages newestFirst = "inq"
	linkPages    newestFirst = "lnk"
)

// cursor points after the row created at `at` with this id.
func (k newestFirst) cursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(k) + ":" + at.Format(time.RFC3339Nano) + "|" + id))
}

// after is the WHERE condition of the rows after cursor c, or "" without
// one, its values bound in args.
func (k newestFirst) after(s *Store, c string, args *sqlArgs) (string, error) {
	if c == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", ErrBadCursor
	}
	rest, ok := strings.CutPrefix(string(raw), string(k)+":")
	if !ok {
		return "", fmt.Errorf("%w: it belongs to another list", ErrBadCursor)
	}
	ts, id, ok := strings.Cut(rest, "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil || id == "" {
		return "", ErrBadCursor
	}
	t := args.bind(s.ts(at))
	return "(created_at < " + t + " OR (created_at = " + t + " AND id < " + args.bind(id) + "))", nil
}
