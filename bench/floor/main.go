// Command floor measures the cost of writing, through the same SQLite
// driver as affsync (modernc.org/sqlite), only the rows an import stored:
// it copies the facts, transactions, customs rows, revenues and projection
// digests of an imported database into empty copies of their tables (the
// same columns and indexes), one INSERT … SELECT each, in one transaction, with the
// pragmas affsync's writer uses. No parsing, no projection, no reads: what
// is left of an import when everything but its writes is free.
//
// Then the facts alone in two other designs (narrower rows; blocks of a
// thousand facts encoded beforehand, with a row per group and per day of
// each block, bound as the store binds its rows: the facts line's are not,
// so the comparison flatters the rows), for what a redesign could save,
// and with each shape of their day index (dayIndexes), the others as the
// store has them: what each costs the copy.
//
// Usage: go run ./bench/floor [-day-runs N] [-days-only] DB
// (-day-runs: each day-index shape copied N times, round robin, and the
// median printed, as one run on a shared machine is noisy; -days-only: those
// lines alone.)
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite"
)

var tables = []string{"facts", "transactions", "transaction_customs", "revenues", "projected_groups"}

func main() {
	dayRuns := flag.Int("day-runs", 1, "copies of the facts per day-index shape (the median is printed)")
	daysOnly := flag.Bool("days-only", false, "time the day-index shapes only")
	flag.Parse()
	if flag.NArg() != 1 || *dayRuns < 1 {
		fmt.Fprintln(os.Stderr, "usage: floor [-day-runs N] [-days-only] DB")
		os.Exit(2)
	}
	if err := run(context.Background(), flag.Arg(0), *dayRuns, *daysOnly); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string, dayRuns int, daysOnly bool) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-8000)"+
		"&_pragma=temp_store(FILE)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if daysOnly {
		return copyDayIndexes(ctx, db, dayRuns)
	}
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
	if err := copyDayIndexes(ctx, db, dayRuns); err != nil {
		return err
	}
	d, n, err := copyNarrowFacts(ctx, db)
	if err != nil {
		return fmt.Errorf("narrow facts: %w", err)
	}
	fmt.Printf("%-22s %9d rows %8.2f s %9.0f rows/s\n", "facts, narrow", n, d.Seconds(), float64(n)/d.Seconds())
	d, blocks, err := copyFactBlocks(ctx, db)
	if err != nil {
		return fmt.Errorf("fact blocks: %w", err)
	}
	fmt.Printf("%-22s %9d rows %8.2f s %9.0f rows/s\n", "facts, blocks", blocks.facts, d.Seconds(), float64(blocks.facts)/d.Seconds())
	return nil
}

// copyDayIndexes prints a "facts, day" line per shape of dayIndexes: the
// median of runs copies, wall and CPU, and what each costs over none.
func copyDayIndexes(ctx context.Context, db *sql.DB, runs int) error {
	// CPU time (this process's, user and system) as well as wall: other
	// processes' load stretches the one, hardly the other.
	times, cpus := make([][]time.Duration, len(dayIndexes)), make([][]time.Duration, len(dayIndexes))
	var n int64
	for range runs {
		for i, ix := range dayIndexes {
			c0 := cpuTime()
			d, rows, err := copyTableWith(ctx, db, "facts", ix.columns)
			if err != nil {
				return fmt.Errorf("facts, day index %s: %w", ix.name, err)
			}
			times[i], cpus[i], n = append(times[i], d), append(cpus[i], cpuTime()-c0), rows
		}
	}
	base, baseCPU := median(times[0]), median(cpus[0])
	for i, ix := range dayIndexes {
		d, c := median(times[i]), median(cpus[i])
		fmt.Printf("%-22s %9d rows %8.2f s %9.0f rows/s  cpu %.2f s; over none: %+.2f s, cpu %+.2f s (runs:%s)\n", "facts, day "+ix.name, n,
			d.Seconds(), float64(n)/d.Seconds(), c.Seconds(), (d - base).Seconds(), (c - baseCPU).Seconds(), seconds(times[i]))
	}
	return nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func seconds(ds []time.Duration) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, " %.2f", d.Seconds())
	}
	return b.String()
}

// narrowFacts is what a fact row could be: integer connection, file,
// report and day, a fixed 8-byte key in place of the text key, and no
// workspace (its connection's), with the same three indexes. The "facts,
// narrow" line is the floor of that design against the facts line above.
const narrowFacts = `CREATE TABLE floor_facts_narrow (
    id INTEGER PRIMARY KEY, connection INTEGER NOT NULL, file_id INTEGER NOT NULL, line INTEGER NOT NULL,
    report INTEGER NOT NULL, day INTEGER NOT NULL, fact_key BLOB NOT NULL, group_key TEXT NOT NULL, program TEXT NOT NULL,
    currency TEXT NOT NULL, tracking_id TEXT NOT NULL, subtag TEXT NOT NULL, asin TEXT NOT NULL, name TEXT NOT NULL,
    category TEXT NOT NULL, seller TEXT NOT NULL, device TEXT NOT NULL, link_type TEXT NOT NULL, direct INTEGER,
    price INTEGER NOT NULL, quantity INTEGER NOT NULL, returns INTEGER NOT NULL, revenue INTEGER NOT NULL,
    commission INTEGER NOT NULL, rate INTEGER NOT NULL, clicks INTEGER NOT NULL, items_ordered INTEGER NOT NULL,
    items_shipped INTEGER NOT NULL);
CREATE INDEX floor_facts_narrow_file ON floor_facts_narrow (file_id, group_key);
CREATE INDEX floor_facts_narrow_day ON floor_facts_narrow (connection, report, day, file_id);
CREATE INDEX floor_facts_narrow_group ON floor_facts_narrow (connection, group_key, file_id)`

// copyNarrowFacts times copying the facts into the narrow table. The
// conversions cost the copy a little more than storing such rows would.
func copyNarrowFacts(ctx context.Context, db *sql.DB) (time.Duration, int64, error) {
	for _, q := range strings.Split(narrowFacts, ";\n") {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, 0, err
		}
	}
	defer db.ExecContext(ctx, "DROP TABLE floor_facts_narrow")
	return timed(ctx, db, `INSERT INTO floor_facts_narrow SELECT id, 1, file_id, line, length(report_type),
		CAST(julianday(day) AS INTEGER), CAST(substr(fact_key, 1, 8) AS BLOB), group_key, program, currency, tracking_id, subtag, asin,
		name, category, seller, device, link_type, direct, price, quantity, returns, revenue, commission, rate, clicks, items_ordered,
		items_shipped FROM facts`)
}

// timed runs the statements in one write transaction and answers how long
// that took, commit included, and how many rows the first one wrote.
func timed(ctx context.Context, db *sql.DB, statements ...string) (time.Duration, int64, error) {
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	var n int64
	for i, q := range statements {
		res, err := tx.ExecContext(ctx, q)
		if err != nil {
			return 0, 0, err
		}
		if i == 0 {
			n, _ = res.RowsAffected()
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, err
	}
	return time.Since(start), n, nil
}

// dayIndexes are the shapes of the facts' day index that the "facts, day"
// lines time: the old one (connection_id, report_type, day, file_id), whose
// inserts land mid-tree at one spot per day and carry the 22-byte
// connection id; the ones led by the file, which an import appends to at
// the right edge; and none, the floor of any.
var dayIndexes = []struct{ name, columns string }{
	{"none", ""},
	{"conn-type-day-file", "connection_id, report_type, day, file_id"},
	{"file-type-day", "file_id, report_type, day"},
	{"file-day", "file_id, day"},
}

// dayIndex is the day index of the facts in any migration's shape.
var dayIndex = regexp.MustCompile(`(?i)^CREATE INDEX (facts_day|facts_file_day) `)

// copyTable creates floor_<table> with the table's columns and indexes,
// times copying every row into it, and drops it.
func copyTable(ctx context.Context, db *sql.DB, table string) (time.Duration, int64, error) {
	return copyTableWith(ctx, db, table, "-")
}

// copyTableWith is copyTable with the facts' day index on the given
// columns ("" none) in place of the stored one; "-" keeps the stored one.
func copyTableWith(ctx context.Context, db *sql.DB, table, dayColumns string) (time.Duration, int64, error) {
	copyName := "floor_" + table
	var ddl []string
	// Triggers stay behind: the tables' only ones fire on a delete.
	rows, err := db.QueryContext(ctx, `SELECT type, sql FROM sqlite_schema WHERE tbl_name = ? AND sql IS NOT NULL
		AND type IN ('table', 'index') ORDER BY type DESC`, table)
	if err != nil {
		return 0, 0, err
	}
	name := regexp.MustCompile(`(?i)^(CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?)(\S+)( ON )("?` + table + `"?)`)
	for rows.Next() {
		var typ, text string
		if err := rows.Scan(&typ, &text); err != nil {
			return 0, 0, err
		}
		if dayColumns != "-" && typ == "index" && dayIndex.MatchString(text) {
			continue
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
	if dayColumns != "-" && dayColumns != "" {
		ddl = append(ddl, "CREATE INDEX floor_day ON "+copyName+" ("+dayColumns+")")
	}
	for _, q := range ddl {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", strings.SplitN(q, "(", 2)[0], err)
		}
	}
	defer db.ExecContext(ctx, "DROP TABLE "+copyName)
	// The WHERE that always holds keeps SQLite from copying the records
	// whole (its transfer optimisation): each row is built and inserted,
	// index by index, as an import's INSERT does.
	return timed(ctx, db, "INSERT INTO "+copyName+" SELECT * FROM "+table+" WHERE random() IS NOT NULL")
}
