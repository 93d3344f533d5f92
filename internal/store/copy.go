package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL bulk writes go through COPY: rows travel in the binary
// copy format, with no statement text to build, no parameter limit and no
// per-row parse. Rows without a conflict clause are copied straight into
// their table; rows that may conflict are copied into a staging table,
// then moved with one INSERT … SELECT … ON CONFLICT per batch.

// defaultCopyMinRows is the smallest batch worth a COPY: below it one multi-row
// INSERT costs less than COPY's round trips. BenchmarkCopyThreshold, facts
// (28 columns) on a local server: at 8 rows INSERT is 14% faster, at 16
// COPY is; the staging path's INSERT … SELECT and TRUNCATE are two more
// round trips, so it starts at twice the size.
const defaultCopyMinRows = 16

// stagedFactor is how many times copyMinRows a batch with a conflict
// clause needs to go through COPY.
const stagedFactor = 2

// begin starts a write transaction. On PostgreSQL it runs on a connection
// of its own so that COPY, which database/sql does not offer, can reach
// the same pgx connection and so the same transaction (copyRows).
func (s *Store) begin(ctx context.Context) (*Tx, error) {
	if s.dialect != Postgres {
		tx, err := s.write.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		return &Tx{s: s, tx: tx}, nil
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{s: s, tx: tx, conn: conn}, nil
}

// release ends a transaction that Write left open (a panic in fn) and gives
// its connection back to the pool; closing a connection whose transaction
// is still open would wait for it forever.
func (t *Tx) release() {
	_ = t.tx.Rollback() // ErrTxDone after a commit or rollback
	if t.conn != nil {
		t.conn.Close()
	}
}

// copyRows writes rows with COPY, through a staging table when onConflict
// is set. It is for PostgreSQL only, inside t's transaction: rows it wrote
// roll back with it.
func (t *Tx) copyRows(ctx context.Context, table string, columns []string, rows [][]any, onConflict string) error {
	if t.conn == nil {
		return errors.New("copy: not a PostgreSQL write transaction")
	}
	into := table
	if onConflict != "" {
		var err error
		if into, err = t.staging(ctx, table, columns); err != nil {
			return err
		}
	}
	err := t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy: driver connection is %T, not pgx", dc)
		}
		n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{into}, columns, pgx.CopyFromRows(rows))
		t.s.copied.Add(n)
		if err == nil && n != int64(len(rows)) {
			err = fmt.Errorf("copied %d of %d rows", n, len(rows))
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	if onConflict == "" {
		return nil
	}
	cols := strings.Join(columns, ", ")
	if _, err := t.tx.ExecContext(ctx, "INSERT INTO "+table+" ("+cols+") SELECT "+cols+" FROM "+into+" "+onConflict); err != nil {
		return fmt.Errorf("move staged rows into %s: %w", table, err)
	}
	// TRUNCATE, not DELETE: the next batch starts with an empty file
	// instead of a table of dead rows to scan past.
	if _, err := t.tx.ExecContext(ctx, "TRUNCATE "+into); err != nil {
		return fmt.Errorf("empty %s: %w", into, err)
	}
	return nil
}

// staging answers the temporary table that stages rows of table's columns,
// created at its first use in the transaction and dropped at its end. It has
// the columns' types and none of the table's constraints: the INSERT from
// it checks them.
func (t *Tx) staging(ctx context.Context, table string, columns []string) (string, error) {
	key := table + ":" + strings.Join(columns, ",")
	if name, ok := t.staged[key]; ok {
		return name, nil
	}
	if t.staged == nil {
		t.staged = map[string]string{}
	}
	// A name per column set: two callers may stage different columns of one table.
	name := "staging_" + table + "_" + strconv.Itoa(len(t.staged))
	q := "CREATE TEMP TABLE " + name + " ON COMMIT DROP AS SELECT " + strings.Join(columns, ", ") + " FROM " + table + " WITH NO DATA"
	if _, err := t.tx.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("create %s: %w", name, err)
	}
	t.staged[key] = name
	return name, nil
}
