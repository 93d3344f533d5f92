package main

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

// factBlocks is another design: a file's facts kept as blocks of a
// thousand, each one row holding them encoded and compressed, with a row
// per (group, block) and per (report, day, block) to find them by. The
// blocks are encoded before the clock starts, as an import's reader
// goroutine would encode each batch while the writer stores the one before:
// the "facts, blocks" line is what would be left of the facts on the
// writer, through multi-row INSERTs with bound parameters as the store's.
const factBlocks = `CREATE TABLE floor_fact_blocks (file_id INTEGER NOT NULL, block INTEGER NOT NULL, facts BLOB NOT NULL,
    PRIMARY KEY (file_id, block)) WITHOUT ROWID;
CREATE TABLE floor_fact_groups (connection_id TEXT NOT NULL, group_key TEXT NOT NULL, file_id INTEGER NOT NULL,
    block INTEGER NOT NULL, PRIMARY KEY (connection_id, group_key, file_id, block)) WITHOUT ROWID;
CREATE INDEX floor_fact_groups_file ON floor_fact_groups (file_id, group_key);
CREATE TABLE floor_fact_days (file_id INTEGER NOT NULL, report_type TEXT NOT NULL, day TEXT NOT NULL,
    block INTEGER NOT NULL, PRIMARY KEY (file_id, report_type, day, block)) WITHOUT ROWID`

const blockSize = 1000

// encodedBlocks are a file's facts as the blocks design would store them.
type encodedBlocks struct {
	blocks, groups, days [][]any
	facts                int64
	raw, packed          int
}

// encodeBlocks reads the facts in the order they were written and encodes
// them a block at a time: each column's value as text, length-prefixed.
func encodeBlocks(ctx context.Context, db *sql.DB) (encodedBlocks, error) {
	var out encodedBlocks
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		return out, err
	}
	rows, err := db.QueryContext(ctx, `SELECT connection_id, file_id, group_key, report_type, day, `+strings.Join(factValueColumns, ", ")+
		` FROM facts ORDER BY id`)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	vals := make([]sql.NullString, len(factValueColumns))
	dest := make([]any, 5+len(vals))
	var conn, group, report, day string
	var file int64
	dest[0], dest[1], dest[2], dest[3], dest[4] = &conn, &file, &group, &report, &day
	for i := range vals {
		dest[5+i] = &vals[i]
	}
	var buf []byte
	var blockFile, block int64 = -1, -1
	seenGroups, seenDays := map[string]bool{}, map[string]bool{}
	flush := func() {
		if len(buf) == 0 {
			return
		}
		packed := enc.EncodeAll(buf, nil)
		out.raw += len(buf)
		out.packed += len(packed)
		out.blocks = append(out.blocks, []any{blockFile, block, packed})
		buf = buf[:0]
		clear(seenGroups)
		clear(seenDays)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return out, err
		}
		if n%blockSize == 0 || file != blockFile {
			flush()
			if file != blockFile {
				block = -1
			}
			blockFile, block = file, block+1
		}
		n++
		for _, v := range vals {
			buf = binary.AppendUvarint(buf, uint64(len(v.String)))
			buf = append(buf, v.String...)
		}
		if group != "" && !seenGroups[group] {
			seenGroups[group] = true
			out.groups = append(out.groups, []any{conn, group, file, block})
		}
		if k := report + "\x00" + day; !seenDays[k] {
			seenDays[k] = true
			out.days = append(out.days, []any{file, report, day, block})
		}
	}
	flush()
	out.facts = int64(n)
	return out, rows.Err()
}

// factValueColumns are what a block holds of each fact (its connection,
// file, group, report and day are the block's and its lookup rows').
var factValueColumns = []string{"line", "fact_key", "program", "currency", "tracking_id", "subtag", "asin", "name", "category", "seller",
	"device", "link_type", "direct", "price", "quantity", "returns", "revenue", "commission", "rate", "clicks", "items_ordered",
	"items_shipped"}

// copyFactBlocks times writing the facts as blocks; it answers the time,
// the facts and the blocks' sizes.
func copyFactBlocks(ctx context.Context, db *sql.DB) (time.Duration, encodedBlocks, error) {
	start := time.Now()
	e, err := encodeBlocks(ctx, db)
	if err != nil {
		return 0, e, fmt.Errorf("encode: %w", err)
	}
	encoded := time.Since(start)
	for _, q := range strings.Split(factBlocks, ";\n") {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, e, err
		}
	}
	defer db.ExecContext(ctx, "DROP TABLE floor_fact_days")
	defer db.ExecContext(ctx, "DROP TABLE floor_fact_groups")
	defer db.ExecContext(ctx, "DROP TABLE floor_fact_blocks")
	start = time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, e, err
	}
	defer tx.Rollback()
	for _, t := range []struct {
		table string
		rows  [][]any
		per   int
	}{{"floor_fact_blocks", e.blocks, 10}, {"floor_fact_groups", e.groups, 1000}, {"floor_fact_days", e.days, 1000}} {
		if err := insertBound(ctx, tx, t.table, t.rows, t.per); err != nil {
			return 0, e, fmt.Errorf("%s: %w", t.table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, e, err
	}
	d := time.Since(start)
	fmt.Printf("  (encoded beforehand in %.2f s: %d blocks, %d MB of facts in %d MB; %d group rows, %d day rows)\n",
		encoded.Seconds(), len(e.blocks), e.raw>>20, e.packed>>20, len(e.groups), len(e.days))
	return d, e, nil
}

// insertBound writes rows with multi-row INSERTs of per rows, their values
// bound, each statement prepared once, as the store writes a batch.
func insertBound(ctx context.Context, tx *sql.Tx, table string, rows [][]any, per int) error {
	stmts := map[int]*sql.Stmt{}
	for i := 0; i < len(rows); i += per {
		chunk := rows[i:min(i+per, len(rows))]
		st, ok := stmts[len(chunk)]
		if !ok {
			one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(chunk[0])), ", ") + ")"
			var err error
			st, err = tx.PrepareContext(ctx, "INSERT INTO "+table+" VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", len(chunk)), ", "))
			if err != nil {
				return err
			}
			defer st.Close()
			stmts[len(chunk)] = st
		}
		var args []any
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}
