package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sumTable is a table an import keeps as sums of the facts that count:
// revenues (of kind cps) and clicks. A re-issued report recomputes them for
// the days it covers, and most come out as they were: those are left
// alone, and only the sums that changed are written (diffSums).
type sumTable struct {
	table  string
	kind   string   // the rows' kind in revenues; "" for a table without one
	keys   []string // the key after connection_id and day
	values []string // the sums, all integers
}

var (
	revenueSums = sumTable{table: "revenues", kind: "cps", keys: []string{"channel", "program", "custom", "currency"},
		values: []string{"sale_amount", "commission", "items_shipped", "items_returned", "transactions"}}
	clickSums = sumTable{table: "clicks", keys: []string{"channel", "program", "custom"}, values: []string{"clicks"}}
)

// columns are the table's columns in the order its sums are selected.
func (s sumTable) columns() []string {
	cols := append([]string{"workspace_id", "connection_id", "day"}, s.keys...)
	if s.kind != "" {
		cols = append(cols, "kind")
	}
	return append(cols, s.values...)
}

// scope is the condition, after connection_id and day, that keeps the
// table's rows of this kind.
func (s sumTable) scope() string {
	if s.kind == "" {
		return ""
	}
	return " AND kind = '" + s.kind + "'"
}

// projectSums writes the sums that sel computes for days [from, to] of a
// connection. sel selects the table's columns in the order of columns();
// its first argument is workspaceID, its third and fourth the first and
// the last day. Days that hold no sums yet (a first import) take sel's
// rows in one INSERT … SELECT; otherwise each day's sums are compared
// with those stored (diffSums).
func (t *Tx) projectSums(ctx context.Context, s sumTable, workspaceID, connectionID string, from, to time.Time, sel string, args []any) error {
	if err := t.checkConnection(ctx, workspaceID, connectionID); err != nil {
		return fmt.Errorf("project %s: %w", s.table, err)
	}
	stored, err := t.sumsOnDays(ctx, s, connectionID, from, to)
	if err != nil {
		return fmt.Errorf("project %s: %w", s.table, err)
	}
	if !stored {
		if _, err := t.exec(ctx, `INSERT INTO `+s.table+` (`+strings.Join(s.columns(), ", ")+`) `+sel, args...); err != nil {
			return fmt.Errorf("project %s: %w", s.table, err)
		}
		return nil
	}
	// A day at a time, so that memory follows one day's sums.
	args = slices.Clone(args)
	for day := utcDay(from); !day.After(utcDay(to)); day = day.AddDate(0, 0, 1) {
		args[2], args[3] = date(day), date(day)
		rows, err := t.query(ctx, sel, args...)
		if err != nil {
			return fmt.Errorf("project %s of %s: %w", s.table, date(day), err)
		}
		list, err := collect(rows, s.scanSums(3, s.kind != ""))
		if err != nil {
			return fmt.Errorf("project %s of %s: %w", s.table, date(day), err)
		}
		if err := t.diffSums(ctx, s, workspaceID, connectionID, day, list); err != nil {
			return fmt.Errorf("project %s of %s: %w", s.table, date(day), err)
		}
	}
	return nil
}

// sumsOnDays says whether a connection has rows of the table (of its kind)
// on days [from, to].
func (t *Tx) sumsOnDays(ctx context.Context, s sumTable, connectionID string, from, to time.Time) (bool, error) {
	var some bool
	err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+s.table+` WHERE connection_id = $1 AND day >= $2 AND day <= $3`+s.scope()+`)`,
		connectionID, date(from), date(to)).Scan(&some)
	return some, err
}

// sumRow is one row's key after connection_id and day, and its sums.
type sumRow struct {
	keys []string
	vals []int64
}

// scanSums scans a row of lead columns it does not keep, the key, the
// kind when withKind (not kept either: it is s.kind), then the sums.
func (s sumTable) scanSums(lead int, withKind bool) func(rowScanner) (sumRow, error) {
	return func(r rowScanner) (sumRow, error) {
		row := sumRow{keys: make([]string, len(s.keys)), vals: make([]int64, len(s.values))}
		var skipped any
		var dest []any
		for range lead {
			dest = append(dest, &skipped)
		}
		for i := range row.keys {
			dest = append(dest, &row.keys[i])
		}
		if withKind {
			dest = append(dest, &skipped)
		}
		for i := range row.vals {
			dest = append(dest, &row.vals[i])
		}
		return row, r.Scan(dest...)
	}
}

// rowOf is a row of the table's columns, in the order of columns().
func (s sumTable) rowOf(workspaceID, connectionID string, day time.Time, r sumRow) []any {
	row := []any{workspaceID, connectionID, date(day)}
	for _, k := range r.keys {
		row = append(row, k)
	}
	if s.kind != "" {
		row = append(row, s.kind)
	}
	for _, v := range r.vals {
		row = append(row, v)
	}
	return row
}

// conflict is the key of a row, for its ON CONFLICT clause.
func (s sumTable) conflict() string {
	keys := append([]string{"connection_id", "day"}, s.keys...)
	if s.kind != "" {
		keys = append(keys, "kind")
	}
	return "ON CONFLICT (" + strings.Join(keys, ", ") + ")"
}

// onConflict sets a row's sums to the new ones where its key is stored already.
func (s sumTable) onConflict() string {
	var set []string
	for _, v := range s.values {
		set = append(set, v+" = excluded."+v)
	}
	return s.conflict() + " DO UPDATE SET " + strings.Join(set, ", ")
}

// addsForFile is onConflict for rows written with the file that writes them
// (AddRevenues): a row that file wrote already in this pass gets the new
// sums added, any other gets them instead; either way it is then the file's.
// (Both engines read the row as it was in every SET expression.)
func (s sumTable) addsForFile() string {
	var set []string
	for _, v := range s.values {
		set = append(set, v+" = CASE WHEN "+s.table+".file_id = excluded.file_id THEN "+s.table+"."+v+" + excluded."+v+" ELSE excluded."+v+" END")
	}
	return s.conflict() + " DO UPDATE SET " + strings.Join(set, ", ") + ", file_id = excluded.file_id"
}

// diffSums writes one day's sums that differ from those stored: new or
// changed ones upserted, stored ones that list no longer holds deleted.
func (t *Tx) diffSums(ctx context.Context, s sumTable, workspaceID, connectionID string, day time.Time, list []sumRow) error {
	rows, err := t.query(ctx, `SELECT `+strings.Join(s.keys, ", ")+`, `+strings.Join(s.values, ", ")+` FROM `+s.table+`
		WHERE connection_id = $1 AND day = $2`+s.scope(), connectionID, date(day))
	if err != nil {
		return err
	}
	was, err := collect(rows, s.scanSums(0, false))
	if err != nil {
		return err
	}
	stored := make(map[string]sumRow, len(was))
	for _, r := range was {
		stored[sumKey(r.keys)] = r
	}
	var changed [][]any
	for _, r := range list {
		key := sumKey(r.keys)
		old, ok := stored[key]
		delete(stored, key)
		if !ok || !slices.Equal(old.vals, r.vals) {
			changed = append(changed, s.rowOf(workspaceID, connectionID, day, r))
		}
	}
	if len(changed) > 0 {
		if err := t.upsertRows(ctx, s.table, s.columns(), changed, s.onConflict()); err != nil {
			return err
		}
	}
	where := "connection_id = $1 AND day = $2" + s.scope()
	for i, k := range s.keys {
		where += fmt.Sprintf(" AND %s = $%d", k, i+3)
	}
	for _, key := range slices.Sorted(maps.Keys(stored)) {
		args := []any{connectionID, date(day)}
		for _, k := range stored[key].keys {
			args = append(args, k)
		}
		if _, err := t.exec(ctx, `DELETE FROM `+s.table+` WHERE `+where, args...); err != nil {
			return err
		}
	}
	return nil
}

// sumKey is a map key for a row's key columns, each prefixed by its length
// so that no two keys collide whatever bytes they hold.
func sumKey(keys []string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Itoa(len(k)))
		b.WriteByte(':')
		b.WriteString(k)
	}
	return b.String()
}
