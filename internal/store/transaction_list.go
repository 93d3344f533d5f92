package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// TimeType chooses the instant that since/until filter on.
type TimeType string

const (
	TimeSold    TimeType = "sold"
	TimeClicked TimeType = "clicked"
	TimeChecked TimeType = "checked"
	TimeUpdated TimeType = "updated"
)

// TransactionFilter selects transactions of one workspace. Zero values match everything.
type TransactionFilter struct {
	Since, Until *time.Time // Since inclusive, Until exclusive
	TimeType     TimeType
	Status       model.Status
	Custom       string
	ConnectionID string
	Channel      string
	Program      string
	Cursor       string
	Limit        int
	// Removed adds, with TimeUpdated, the tombstones of removed transactions
	// (DeletedAt set): the API's feed has them, the dashboard's list not.
	Removed bool
}

// ErrBadCursor is a cursor that this list did not hand out.
var ErrBadCursor = errors.New("invalid cursor")

// Transactions lists a workspace's transactions, a page at a time.
//
// Pages follow an immutable key so that they neither skip nor repeat a row
// while data changes: the order of first storage (seq), or with
// time_type=updated the order of last change (update_seq), where a row that
// changes again moves to the end and is seen again with its new state, and
// a removed one is seen once more as its tombstone (DeletedAt set).
func (s *Store) Transactions(ctx context.Context, workspaceID string, f TransactionFilter) ([]model.Transaction, string, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	key := "seq"
	if f.TimeType == TimeUpdated {
		key = "update_seq"
	}
	after, err := decodeCursor(f.Cursor, key)
	if err != nil {
		return nil, "", err
	}
	q, args, err := s.transactionsQuery(workspaceID, f, key, after)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list transactions: %w", err)
	}
	list, err := collect(rows, scanTransactionWithItems)
	if err != nil {
		return nil, "", err
	}
	if key == "update_seq" && f.Removed {
		// Removed transactions appear once more, at the place of their
		// removal in the update order (SPEC §4.2).
		gone, err := s.tombstones(ctx, workspaceID, f, after, f.Limit+1)
		if err != nil {
			return nil, "", err
		}
		list = mergeUpdated(list, gone, f.Limit+1)
	}
	next := ""
	if len(list) > f.Limit {
		list = list[:f.Limit]
		last := list[len(list)-1]
		pos := last.seq
		if key == "update_seq" {
			pos = last.updateSeq
		}
		next = encodeCursor(key, pos)
	}
	txs := make([]model.Transaction, len(list))
	for i := range list {
		txs[i] = list[i].Transaction
	}
	return txs, next, nil
}

// transactionsQuery is the text and arguments of a list page's query, in
// the order of key ("seq" or "update_seq") after the position "after".
func (s *Store) transactionsQuery(workspaceID string, f TransactionFilter, key string, after int64) (string, sqlArgs, error) {
	var where []string
	args := sqlArgs{workspaceID}
	arg := args.bind
	from := "transactions t"
	order := "t." + key
	where = append(where, "t.workspace_id = $1")
	if f.Custom != "" {
		// The customs index holds the list order (migration 00006): the
		// query walks (workspace_id, custom, key) from the cursor on and
		// stops at the limit, so a custom of 20,000 transactions pages as
		// cheaply as one of ten. CROSS JOIN keeps SQLite from walking every
		// transaction in seq order instead (PostgreSQL plans the join order
		// itself).
		from = "transaction_customs c CROSS JOIN transactions t"
		where = append(where, "c.workspace_id = $1", "c.custom = "+arg(f.Custom), "t.id = c.transaction_id")
		if !s.customByTransactions { // BenchmarkCustomPage's baseline sorts by the transactions' own order, as before 00006
			order = "c." + key
		}
	}
	if after > 0 {
		where = append(where, order+" > "+arg(after))
	}
	col := map[TimeType]string{"": "sold_at", TimeSold: "sold_at", TimeClicked: "clicked_at", TimeChecked: "checked_at", TimeUpdated: "updated_at"}[f.TimeType]
	if col == "" {
		return "", nil, fmt.Errorf("time_type %q: want sold, clicked, checked or updated", f.TimeType)
	}
	if f.Since != nil {
		where = append(where, "t."+col+" >= "+arg(s.ts(*f.Since)))
	}
	if f.Until != nil {
		where = append(where, "t."+col+" < "+arg(s.ts(*f.Until)))
	}
	for _, eq := range []struct{ col, v string }{
		{"status", string(f.Status)}, {"connection_id", f.ConnectionID}, {"channel", f.Channel}, {"program", f.Program},
	} {
		if eq.v != "" {
			where = append(where, "t."+eq.col+" = "+arg(eq.v))
		}
	}
	q := `SELECT ` + txColumns + `, ` + itemsColumn + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + arg(f.Limit+1)
	return q, args, nil
}

func encodeCursor(key string, pos int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key + ":" + strconv.FormatInt(pos, 10)))
}

func decodeCursor(c, key string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, ErrBadCursor
	}
	k, v, ok := strings.Cut(string(raw), ":")
	if !ok || k != key {
		return 0, fmt.Errorf("%w: it belongs to another ordering (time_type)", ErrBadCursor)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, ErrBadCursor
	}
	return n, nil
}

// CountTransactions counts a workspace's transactions.
func (s *Store) CountTransactions(ctx context.Context, workspaceID string) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM transactions WHERE workspace_id = $1`, workspaceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count transactions: %w", err)
	}
	return n, nil
}

// The customs index (transaction_customs) carries each transaction's seq
// and update_seq so that a ?custom= page walks it in list order (migration
// 00006). The transaction write path keeps it in step with customRows: the
// rows of a new transaction, and those of an updated one, which replace
// its old rows at its new place in the update order (writeUpdates). A
// deleted transaction's rows go with it (ON DELETE CASCADE).

// customColumns are the columns of a transaction_customs row.
var customColumns = []string{"workspace_id", "custom", "transaction_id", "seq", "update_seq"}

// customRows appends the customs index rows of a transaction.
func customRows(rows [][]any, x model.Transaction, seq, updateSeq int64) [][]any {
	for _, c := range uniqueStrings(x.Customs) {
		rows = append(rows, []any{x.WorkspaceID, c, x.ID, seq, updateSeq})
	}
	return rows
}
