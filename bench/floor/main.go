// Command floor measures the cost of writing, through the same SQLite
// driver as affsync (modernc.org/sqlite), only the rows an import stored:
// it copies the facts, transactions, customs rows and revenues of an
// imported database into empty copies of their tables (the same columns
// and indexes), one INSERT … SELECT each, in one transaction, with the
// pragmas affsync's writer uses. No parsing, no projection, no reads: what
// is left of an import when everything but its writes is free.
//
// Usage: go run ./bench/floor DB
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

var tables = []string{"facts", "transactions", "transaction_customs", "revenues"}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor DB")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-8000)"+
		"&_pragma=temp_store(FILE)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var total time.Duration
	var rows int64
	for _, table := range tables {
		d, n, err := copyTable(ctx, db, table)
		if err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		fmt.Printf("%-22s %9d rows %8.2f s %9.0f rows/s\n", table, n, d.Seconds(), float64(n)/d.Seconds())
		total += d
		rows += n
	}
	fmt.Printf("%-22s %9d rows %8.2f s\n", "all", rows, total.Seconds())
	return nil
}

// copyTable creates floor_<table> with the table's columns and indexes,
// times copying every row into it, and drops it.
func copyTable(ctx context.Context, db *sql.DB, table string) (time.Duration, int64, error) {
	copyName := "floor_" + table
	var ddl []string
	rows, err := db.QueryContext(ctx, `SELECT type, sql FROM sqlite_schema WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC`, table)
	if err != nil {
		return 0, 0, err
	}
	name := regexp.MustCompile(`(?i)^(CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?)(\S+)( ON )("?` + table + `"?)`)
	for rows.Next() {
		var typ, text string
		if err := rows.Scan(&typ, &text); err != nil {
			return 0, 0, err
		}
		if typ == "table" {
			text = regexp.MustCompile(`(?i)^CREATE TABLE (IF NOT EXISTS )?"?`+table+`"?`).ReplaceAllString(text, "CREATE TABLE "+copyName)
		} else {
			text = name.ReplaceAllString(text, "${1}floor_${2}${3}"+copyName)
		}
		ddl = append(ddl, text)
	}
	if err := rows.Close(); err != nil {
		return 0, 0, err
	}
	for _, q := range ddl {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", strings.SplitN(q, "(", 2)[0], err)
		}
	}
	defer db.ExecContext(ctx, "DROP TABLE "+copyName)
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	// The WHERE that always holds keeps SQLite from copying the records
	// whole (its transfer optimisation): each row is built and inserted,
	// index by index, as an import's INSERT does.
	res, err := tx.ExecContext(ctx, "INSERT INTO "+copyName+" SELECT * FROM "+table+" WHERE random() IS NOT NULL")
	if err != nil {
		return 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	n, _ := res.RowsAffected()
	return time.Since(start), n, nil
}
