package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// writeCount runs one statement in a write transaction of its own and
// answers how many rows it changed (a prune, a release).
func (s *Store) writeCount(ctx context.Context, what, query string, args ...any) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
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

// sqlArgs collects a statement's arguments; bind adds one and answers its
// placeholder ($n; the store rewrites them for SQLite).
type sqlArgs []any

func (a *sqlArgs) bind(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// seqPage is one page of a workspace's list keyed by an immutable seq
// column: its conditions and arguments, the rows after the cursor's.
type seqPage struct {
	key   string // the cursor's kind: "pay", "deal"
	limit int
	conds []string
	args  sqlArgs
}

func newSeqPage(workspaceID, key, cursor string, limit int) (*seqPage, error) {
	after, err := decodeCursor(cursor, key)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	return &seqPage{key: key, limit: limit, conds: []string{"workspace_id = $1", "seq > $2"}, args: sqlArgs{workspaceID, after}}, nil
}

// where adds a condition whose one "?" takes v.
func (p *seqPage) where(cond string, v any) {
	p.conds = append(p.conds, strings.Replace(cond, "?", p.args.bind(v), 1))
}

// readSeqPage reads the page: selectFrom selects seq first, then what scan
// reads. It answers the rows and the cursor of the next page ("" on the last).
func readSeqPage[T any](ctx context.Context, db querier, p *seqPage, selectFrom string, scan func(rowScanner) (T, error)) ([]T, string, error) {
	args := slices.Clone(p.args)
	limit := args.bind(p.limit + 1)
	rows, err := db.QueryContext(ctx, selectFrom+" WHERE "+strings.Join(p.conds, " AND ")+" ORDER BY seq LIMIT "+limit, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list %s: %w", p.key, err)
	}
	var seqs []int64
	list, err := collect(rows, func(r rowScanner) (T, error) {
		var seq int64
		x, err := scan(prefixed{r, &seq})
		seqs = append(seqs, seq)
		return x, err
	})
	if err != nil {
		return nil, "", err
	}
	if len(list) <= p.limit {
		return list, "", nil
	}
	return list[:p.limit], encodeCursor(p.key, seqs[p.limit-1]), nil
}

// prefixed scans one leading column into first, then the rest as r would.
type prefixed struct {
	r     rowScanner
	first any
}

func (p prefixed) Scan(dest ...any) error { return p.r.Scan(append([]any{p.first}, dest...)...) }

// scanOne reads a row of one column, for collect.
func scanOne[T any](r rowScanner) (T, error) {
	var v T
	return v, r.Scan(&v)
}
