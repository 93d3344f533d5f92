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
	var stored bool
	err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+s.table+` WHERE connection_id = $1 AND day >= $2 AND day <= $3`+s.scope()+`)`,
		connectionID, date(from), date(to)).Scan(&stored)
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
		if err := t.diffSums(ctx, s, connectionID, day, sel, args); err != nil {
			return fmt.Errorf("project %s of %s: %w", s.table, date(day), err)
		}
	}
	return nil
}

// diffSums writes one day's sums that differ from those stored: new or
// changed ones upserted, stored ones that sel no longer yields deleted.
func (t *Tx) diffSums(ctx context.Context, s sumTable, connectionID string, day time.Time, sel string, args []any) error {
	nk, nv := len(s.keys), len(s.values)
	rows, err := t.query(ctx, `SELECT `+strings.Join(s.keys, ", ")+`, `+strings.Join(s.values, ", ")+` FROM `+s.table+`
		WHERE connection_id = $1 AND day = $2`+s.scope(), connectionID, date(day))
	if err != nil {
		return err
	}
	type sums struct {
		keys []string
		vals []int64
	}
	stored := map[string]sums{}
	keys, vals := make([]string, nk), make([]int64, nv)
	dest := make([]any, 0, nk+nv)
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		stored[sumKey(keys)] = sums{slices.Clone(keys), slices.Clone(vals)}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = t.query(ctx, sel, args...)
	if err != nil {
		return err
	}
	var ws, conn, kind string
	var on scanTime
	dest = append([]any{&ws, &conn, &on}, dest[:nk]...)
	if s.kind != "" {
		dest = append(dest, &kind)
	}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	var changed [][]any
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		key := sumKey(keys)
		old, ok := stored[key]
		delete(stored, key)
		if ok && slices.Equal(old.vals, vals) {
			continue
		}
		row := []any{ws, conn, date(on.T)}
		for _, k := range keys {
			row = append(row, k)
		}
		if s.kind != "" {
			row = append(row, kind)
		}
		for _, v := range vals {
			row = append(row, v)
		}
		changed = append(changed, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	conflict := append([]string{"connection_id", "day"}, s.keys...)
	if s.kind != "" {
		conflict = append(conflict, "kind")
	}
	var set []string
	for _, v := range s.values {
		set = append(set, v+" = excluded."+v)
	}
	if len(changed) > 0 {
		if err := t.upsertRows(ctx, s.table, s.columns(), changed,
			"ON CONFLICT ("+strings.Join(conflict, ", ")+") DO UPDATE SET "+strings.Join(set, ", ")); err != nil {
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
