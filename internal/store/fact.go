package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

var factColumns = []string{"workspace_id", "connection_id", "file_id", "line", "report_type", "day", "fact_key", "group_key", "program",
	"currency", "tracking_id", "subtag", "asin", "name", "category", "seller", "device", "link_type", "direct", "price", "quantity",
	"returns", "revenue", "commission", "rate", "clicks", "items_ordered", "items_shipped"}

// GroupedFact is a fact with the projection group it belongs to.
type GroupedFact struct {
	model.Fact
	Group string
}

// InsertFacts stores the facts read from one file.
func (t *Tx) InsertFacts(ctx context.Context, workspaceID string, fileID int64, facts []GroupedFact) error {
	return t.InsertFactRows(ctx, PrepareFacts(workspaceID, fileID, facts))
}

// FactRows are facts turned into the values of their INSERT, so that a
// reader goroutine can do that work while the writer stores the batch before.
type FactRows struct{ rows [][]any }

// PrepareFacts turns facts into FactRows; it touches no database.
func PrepareFacts(workspaceID string, fileID int64, facts []GroupedFact) FactRows {
	rows := make([][]any, len(facts))
	for i, g := range facts {
		f := &g.Fact
		rows[i] = []any{workspaceID, f.ConnectionID, fileID, f.Line, string(f.Report), date(f.Day), f.Key, g.Group, f.Program,
			f.Currency, f.TrackingID, f.Subtag, f.ASIN, f.Name, f.Category, f.Seller, f.Device, f.LinkType, boolArg(f.Direct), f.Price,
			f.Quantity, f.Returns, f.Revenue, f.Commission, f.Rate, f.Clicks, f.ItemsOrdered, f.ItemsShipped}
	}
	return FactRows{rows: rows}
}

// Len is how many facts the batch holds.
func (r FactRows) Len() int { return len(r.rows) }

// InsertFactRows stores prepared facts.
func (t *Tx) InsertFactRows(ctx context.Context, r FactRows) error {
	if len(r.rows) == 0 {
		return nil
	}
	var last []any
	for _, row := range r.rows {
		if last != nil && row[0] == last[0] && row[1] == last[1] && row[2] == last[2] {
			continue
		}
		last = row
		ws, conn, file := row[0].(string), row[1].(string), row[2].(int64)
		if err := t.checkConnection(ctx, ws, conn); err != nil {
			return fmt.Errorf("store facts: %w", err)
		}
		if err := t.checkFile(ctx, conn, file); err != nil {
			return fmt.Errorf("store facts: %w", err)
		}
	}
	if err := t.insertRows(ctx, "facts", factColumns, r.rows); err != nil {
		return fmt.Errorf("store facts: %w", err)
	}
	t.grew("facts", len(r.rows))
	return nil
}

// Cover is one (day, tracking ID) that a file's report of one type carries
// rows for. TrackingID "" is rows that carry none: they cover every
// tracking ID of the day (SPEC §3.5).
type Cover struct {
	Day        time.Time
	TrackingID string
}

// Replaced is what an import made stop counting of one earlier file: how
// many transactions its rows made there (subtags, or rows without one, as
// the revenues count them) and the days concerned.
type Replaced struct {
	File         string
	Report       model.ReportType
	Days         []time.Time // ascending
	Transactions int
}

// Coverage is what CoverDays found.
type Coverage struct {
	Replaced []Replaced // what stopped counting of earlier files
	// Counted are the other files that counted, before this one, for a day
	// it covers (ascending); none: the file is alone on its days.
	Counted []int64
}

// CoverDays records the (day, tracking ID) pairs that a file's report of
// one type covers, re-decides which file counts for each tracking ID of
// those days, and answers what stopped counting of earlier files. For each
// (connection, report type, day, tracking ID) the file that counts is the
// highest priority (-subtags over plain, TSV over XML), then the coverage
// that ends latest, then the latest lastModified, then the file imported
// last, among the files covering that tracking ID or all of them.
//
// Counted in the answer are the files that counted for a day it covers
// before it. With none, the only facts on those days are its own, so the
// groups it brings are the groups those days hold; so they are too when
// none of them counts for any day any more (FilesCounting): a re-issue
// that replaces the file it re-issues whole.
func (t *Tx) CoverDays(ctx context.Context, connectionID string, report model.ReportType, fileID int64, priority int,
	coverageEnd time.Time, covers []Cover) (Coverage, error) {
	if len(covers) == 0 {
		return Coverage{}, nil
	}
	var rows [][]any
	from, to := covers[0].Day, covers[0].Day
	for _, c := range covers {
		rows = append(rows, []any{connectionID, string(report), date(c.Day), c.TrackingID, fileID, priority, date(coverageEnd)})
		from, to = minTime(from, c.Day), maxTime(to, c.Day)
	}
	if err := t.insertRows(ctx, "file_days", []string{"connection_id", "report_type", "day", "tracking_id", "file_id", "priority", "coverage_end"}, rows); err != nil {
		return Coverage{}, fmt.Errorf("record covered days: %w", err)
	}
	before, err := t.chosen(ctx, connectionID, report, from, to)
	if err != nil {
		return Coverage{}, err
	}
	days := map[string]bool{}
	for _, c := range covers {
		days[date(c.Day)] = true
	}
	counted := map[int64]bool{}
	for c, id := range before {
		if days[date(c.Day)] && id != fileID {
			counted[id] = true
		}
	}
	if _, err := t.exec(ctx, `DELETE FROM chosen_days WHERE connection_id = $1 AND report_type = $2 AND day >= $3 AND day <= $4`,
		connectionID, string(report), date(from), date(to)); err != nil {
		return Coverage{}, fmt.Errorf("choose files: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO chosen_days (connection_id, report_type, day, tracking_id, file_id)
		SELECT x.connection_id, x.report_type, x.day, x.tracking_id, (
			SELECT d.file_id FROM file_days d JOIN imported_files i ON i.id = d.file_id
			WHERE d.connection_id = x.connection_id AND d.report_type = x.report_type AND d.day = x.day
			AND (d.tracking_id = x.tracking_id OR d.tracking_id = '')
			ORDER BY d.priority DESC, d.coverage_end DESC, (i.last_modified IS NULL), i.last_modified DESC, d.file_id DESC LIMIT 1)
		FROM (SELECT DISTINCT connection_id, report_type, day, tracking_id FROM file_days
			WHERE connection_id = $1 AND report_type = $2 AND day >= $3 AND day <= $4) x`,
		connectionID, string(report), date(from), date(to))
	if err != nil {
		return Coverage{}, fmt.Errorf("choose files: %w", err)
	}
	after, err := t.chosen(ctx, connectionID, report, from, to)
	if err != nil {
		return Coverage{}, err
	}
	lost := map[int64]map[Cover]bool{} // earlier file → what it no longer counts for
	for k, old := range before {
		if now, ok := after[k]; ok && now != old {
			if lost[old] == nil {
				lost[old] = map[Cover]bool{}
			}
			lost[old][k] = true
		}
	}
	var out []Replaced
	for _, old := range slices.Sorted(maps.Keys(lost)) {
		r, err := t.replaced(ctx, connectionID, report, old, lost[old])
		if err != nil {
			return Coverage{}, err
		}
		if r.Transactions > 0 {
			out = append(out, r)
		}
	}
	return Coverage{Replaced: out, Counted: slices.Sorted(maps.Keys(counted))}, nil
}

// chosen reads the file that counts for each (day, tracking ID) of [from, to].
func (t *Tx) chosen(ctx context.Context, connectionID string, report model.ReportType, from, to time.Time) (map[Cover]int64, error) {
	rows, err := t.query(ctx, `SELECT day, tracking_id, file_id FROM chosen_days
		WHERE connection_id = $1 AND report_type = $2 AND day >= $3 AND day <= $4`, connectionID, string(report), date(from), date(to))
	if err != nil {
		return nil, fmt.Errorf("read chosen files: %w", err)
	}
	defer rows.Close()
	out := map[Cover]int64{}
	for rows.Next() {
		var day scanTime
		var c Cover
		var id int64
		if err := rows.Scan(&day, &c.TrackingID, &id); err != nil {
			return nil, fmt.Errorf("read chosen files: %w", err)
		}
		c.Day = day.T
		out[c] = id
	}
	return out, rows.Err()
}

// replaced describes what file fileID no longer counts for.
func (t *Tx) replaced(ctx context.Context, connectionID string, report model.ReportType, fileID int64, lost map[Cover]bool) (Replaced, error) {
	r := Replaced{Report: report}
	if err := t.queryRow(ctx, `SELECT filename FROM imported_files WHERE id = $1`, fileID).Scan(&r.File); err != nil {
		return r, fmt.Errorf("replaced file: %w", err)
	}
	var from, to time.Time
	for c := range lost {
		if from.IsZero() {
			from, to = c.Day, c.Day
		}
		from, to = minTime(from, c.Day), maxTime(to, c.Day)
	}
	whole, err := t.losesAll(ctx, connectionID, report, fileID, from, to, lost)
	if err != nil {
		return r, err
	}
	if whole {
		return t.replacedWhole(ctx, connectionID, report, fileID, from, to, r)
	}
	of, run, err := t.factsOfFile(ctx, report, fileID, from, to)
	if err != nil {
		return r, err
	}
	rows, err := t.query(ctx, `SELECT day, tracking_id, CASE WHEN subtag <> '' THEN subtag ELSE fact_key END`+of+
		`AND connection_id = $1 AND report_type = $2 AND day >= $3 AND day <= $4`,
		append([]any{connectionID, string(report), date(from), date(to), fileID}, run...)...)
	if err != nil {
		return r, fmt.Errorf("replaced facts: %w", err)
	}
	defer rows.Close()
	units, days := map[string]bool{}, map[time.Time]bool{}
	for rows.Next() {
		var day scanTime
		var c Cover
		var unit string
		if err := rows.Scan(&day, &c.TrackingID, &unit); err != nil {
			return r, fmt.Errorf("replaced facts: %w", err)
		}
		c.Day = day.T
		if lost[c] {
			units[unit], days[c.Day] = true, true
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("replaced facts: %w", err)
	}
	r.Transactions = len(units)
	r.Days = slices.SortedFunc(maps.Keys(days), time.Time.Compare)
	return r, nil
}

// losesAll answers whether the file no longer counts for any (day,
// tracking ID) it covers in [from, to]: whether lost holds every one. Its
// facts there are then what it lost, and the summary needs no look at each.
func (t *Tx) losesAll(ctx context.Context, connectionID string, report model.ReportType, fileID int64, from, to time.Time,
	lost map[Cover]bool) (bool, error) {
	rows, err := t.query(ctx, `SELECT day, tracking_id FROM file_days WHERE connection_id = $1 AND report_type = $2
		AND day >= $3 AND day <= $4 AND file_id = $5`, connectionID, string(report), date(from), date(to), fileID)
	if err != nil {
		return false, fmt.Errorf("replaced file: %w", err)
	}
	defer rows.Close()
	whole := true
	for rows.Next() {
		var day scanTime
		var c Cover
		if err := rows.Scan(&day, &c.TrackingID); err != nil {
			return false, fmt.Errorf("replaced file: %w", err)
		}
		c.Day = day.T
		whole = whole && lost[c]
	}
	return whole, rows.Err()
}

// replacedWhole is replaced for a file that lost every (day, tracking ID)
// it covers in [from, to]: its transactions there and their days, counted
// in SQL, so that a re-issue of a million rows costs no map of them.
func (t *Tx) replacedWhole(ctx context.Context, connectionID string, report model.ReportType, fileID int64, from, to time.Time,
	r Replaced) (Replaced, error) {
	of, run, err := t.factsOfFile(ctx, report, fileID, from, to)
	if err != nil {
		return r, err
	}
	args := append([]any{connectionID, string(report), date(from), date(to), fileID}, run...)
	if err := t.queryRow(ctx, `SELECT COUNT(DISTINCT CASE WHEN subtag <> '' THEN subtag ELSE fact_key END)`+of+
		`AND connection_id = $1 AND report_type = $2 AND day >= $3 AND day <= $4`, args...).Scan(&r.Transactions); err != nil {
		return r, fmt.Errorf("replaced facts: %w", err)
	}
	// By the file alone (it is of one connection), so that the day index
	// answers without a look at each fact (1.96 s of a re-import of the
	// bench's million facts with connection_id in the WHERE).
	rows, err := t.query(ctx, `SELECT DISTINCT day FROM facts WHERE file_id = $1 AND report_type = $2 AND day >= $3 AND day <= $4
		ORDER BY day`, fileID, string(report), date(from), date(to))
	if err != nil {
		return r, fmt.Errorf("replaced facts: %w", err)
	}
	days, err := collect(rows, func(r rowScanner) (time.Time, error) {
		var day scanTime
		err := r.Scan(&day)
		return day.T, err
	})
	if err != nil {
		return r, fmt.Errorf("replaced facts: %w", err)
	}
	r.Days = days
	return r, nil
}

// factsOfFile is the FROM clause, and the first condition of its WHERE, of
// a read of file $5's facts of report $2 on days [$3, $4], and what it binds
// after those five. One import writes a file's facts in one transaction
// under the one writer, so they are one run of ids, in the file's order. On
// SQLite, when the facts of those days fill at least half of the run of ids
// between their first and last (a re-issue: all of them), they are read by
// id, page after page, where the day index would fetch each row from a page
// of its own (replacedWhole's count over the bench's million facts: 0.65 s
// against 1.58 s in the sqlite3 shell); a day of a month's file whose rows
// are not in day order goes by the day index. PostgreSQL plans the read as
// it likes.
func (t *Tx) factsOfFile(ctx context.Context, report model.ReportType, fileID int64, from, to time.Time) (string, []any, error) {
	const byDays = ` FROM facts WHERE file_id = $5 `
	if t.s.dialect != SQLite {
		return byDays, nil, nil
	}
	var n, first, last int64
	if err := t.queryRow(ctx, `SELECT COUNT(*), COALESCE(min(id), 0), COALESCE(max(id), 0) FROM facts
		WHERE file_id = $1 AND report_type = $2 AND day >= $3 AND day <= $4`, fileID, string(report), date(from), date(to)).Scan(&n, &first, &last); err != nil {
		return "", nil, fmt.Errorf("replaced facts: %w", err)
	}
	if n == 0 || 2*n < last-first+1 {
		return byDays, nil, nil
	}
	return ` FROM facts NOT INDEXED WHERE id BETWEEN $6 AND $7 AND file_id = $5 `, []any{first, last}, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// DayRange is the days [From, To] of one report type that a file covers.
type DayRange struct {
	Report   model.ReportType
	From, To time.Time
}

// GroupsOnDays lists, in order and a batch at a time (those after "after"),
// the projection groups with facts on the given days, from any file: the
// groups whose projection a file covering these days may change. Paging
// keeps memory flat however many groups a large file touches.
//
// The pages come in group order out of the index on (connection_id,
// group_key, file_id), which stops at a page's end; file_days names the
// files on those days, so the facts of the others are passed over on the
// index, without reading their rows. Read by day instead (the day index),
// each page would read and sort every fact of the days: on the bench's
// month of a million facts, 1.9 s a page against 5 ms.
func (t *Tx) GroupsOnDays(ctx context.Context, connectionID string, ranges []DayRange, after string, limit int) ([]string, error) {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return nil, err
	}
	if len(ranges) == 0 {
		return nil, nil
	}
	args := sqlArgs{connectionID, after}
	var or []string
	for _, r := range mergeRanges(ranges) {
		or = append(or, "(report_type = "+args.bind(string(r.Report))+" AND day >= "+args.bind(date(r.From))+" AND day <= "+args.bind(date(r.To))+")")
	}
	days := strings.Join(or, " OR ") // the same columns in facts and file_days
	rows, err := t.query(ctx, `SELECT DISTINCT group_key FROM facts WHERE connection_id = $1 AND group_key > $2
		AND file_id IN (SELECT file_id FROM file_days WHERE connection_id = $1 AND (`+days+`))
		AND (`+days+`) ORDER BY group_key LIMIT `+args.bind(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("touched groups: %w", err)
	}
	return collect(rows, scanOne[string])
}

// mergeRanges joins the ranges of one report type that overlap or touch, so
// that a payment of ten years (one range a month) is one condition, not a
// hundred and twenty (SQLite refuses expressions deeper than 1000).
func mergeRanges(ranges []DayRange) []DayRange {
	rs := slices.Clone(ranges)
	slices.SortFunc(rs, func(a, b DayRange) int {
		if c := strings.Compare(string(a.Report), string(b.Report)); c != 0 {
			return c
		}
		return a.From.Compare(b.From)
	})
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && out[n-1].Report == r.Report && !r.From.After(out[n-1].To.AddDate(0, 0, 1)) {
			if r.To.After(out[n-1].To) {
				out[n-1].To = r.To
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

const activeFactColumns = `f.connection_id, f.file_id, i.filename, f.line, f.report_type, f.day, f.fact_key, f.group_key, f.program,
	f.currency, f.tracking_id, f.subtag, f.asin, f.name, f.category, f.seller, f.device, f.link_type, f.direct, f.price, f.quantity,
	f.returns, f.revenue, f.commission, f.rate, f.clicks, f.items_ordered, f.items_shipped`

// chosenJoin keeps the facts of the chosen file of each day and tracking ID only.
const chosenJoin = ` FROM facts f
	JOIN chosen_days c ON c.connection_id = f.connection_id AND c.report_type = f.report_type AND c.day = f.day
		AND c.tracking_id = f.tracking_id AND c.file_id = f.file_id `

// chosenDaysJoin is chosenJoin for the reads by day, whose conditions on
// the connection, report type and day are on c: each chosen_days row is
// then a search of the day index, led by the file (migration 00014), for
// its one day. SQLite plans an import's reads without statistics (it keeps
// none until Maintain) and searched the facts by the groups' index on their
// connection instead, every fact of it for each day (0.35 s a day of the
// bench's million facts, against 0.04 s from chosen_days): CROSS JOIN makes
// it start from chosen_days. And f.day = +c.day keeps SQLite from carrying
// c's day range over to f, which it then searched from c.day to the range's
// end for each chosen row (2.5 times the CPU over ten days of the bench).
// PostgreSQL, which analyzes what an import wrote (freshStats), plans the
// join as it likes.
func (t *Tx) chosenDaysJoin() string {
	if t.s.dialect == SQLite {
		return ` FROM chosen_days c CROSS JOIN facts f ON c.connection_id = f.connection_id AND c.report_type = f.report_type
		AND f.day = +c.day AND c.tracking_id = f.tracking_id AND c.file_id = f.file_id `
	}
	return chosenJoin
}

// countedFacts is the FROM clause, up to the first condition of its WHERE,
// of a sum over the facts that count on days [from, to] of the given report
// types, what it binds after the statement's n arguments, and the table
// ("c." or "f.") whose connection_id, report_type and day the WHERE is to
// name. When fileID (the file being imported) counts alone on those days
// (CountsAlone), they are read by their file, without a lookup per fact in
// chosen_days. Otherwise it is chosenDaysJoin.
func (t *Tx) countedFacts(ctx context.Context, connectionID string, from, to time.Time, fileID int64, n int,
	reports ...model.ReportType) (string, []any, string, error) {
	join := t.chosenDaysJoin() + "WHERE "
	if fileID == 0 {
		return join, nil, "c.", nil
	}
	alone, err := t.CountsAlone(ctx, connectionID, from, to, fileID, reports...)
	if err != nil || !alone {
		return join, nil, "c.", err
	}
	return fmt.Sprintf(" FROM facts f WHERE f.file_id = $%d AND ", n+1), []any{fileID}, "f.", nil
}

// activeDaysJoin is chosenDaysJoin with each fact's file, for its name.
// Sums need no name (file_id is a non-null foreign key, so the join
// neither adds nor drops a row).
func (t *Tx) activeDaysJoin() string {
	return t.chosenDaysJoin() + `JOIN imported_files i ON i.id = f.file_id `
}

// groupFactColumns are activeFactColumns without the file name, which
// ActiveFactsOfGroups looks up once per file rather than joins per fact.
var groupFactColumns = strings.Replace(activeFactColumns, "i.filename", "''", 1)

// ActiveFactsOfGroups loads the facts that count, of the given groups, in
// no particular order (lifecycle.Project orders them itself).
func (t *Tx) ActiveFactsOfGroups(ctx context.Context, connectionID string, groups []string) ([]GroupedFact, error) {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return nil, err
	}
	var out []GroupedFact
	for chunk := range listChunks(t.s.dialect, groups) {
		args := sqlArgs{connectionID}
		rows, err := t.query(ctx, `SELECT `+groupFactColumns+chosenJoin+`WHERE f.connection_id = $1 AND `+inList(t.s.dialect, &args, "f.group_key", chunk), args...)
		if err != nil {
			return nil, fmt.Errorf("load facts: %w", err)
		}
		list, err := collect(rows, scanFact)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	names := map[int64]string{}
	for i := range out {
		f := &out[i].Fact
		name, ok := names[f.FileID]
		if !ok {
			if err := t.queryRow(ctx, `SELECT filename FROM imported_files WHERE id = $1`, f.FileID).Scan(&name); err != nil {
				return nil, fmt.Errorf("load facts: file %d: %w", f.FileID, err)
			}
			names[f.FileID] = name
		}
		f.File = name
	}
	return out, nil
}

// ActiveFactsOnDays loads the facts that count, of some report types on days [from, to].
func (t *Tx) ActiveFactsOnDays(ctx context.Context, connectionID string, reports []model.ReportType, from, to time.Time) ([]GroupedFact, error) {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return nil, err
	}
	args := sqlArgs{connectionID, date(from), date(to)}
	rows, err := t.query(ctx, `SELECT `+activeFactColumns+t.activeDaysJoin()+`WHERE c.connection_id = $1 AND c.day >= $2 AND c.day <= $3
		AND `+inList(t.s.dialect, &args, "c.report_type", reportNames(reports))+` ORDER BY f.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("load facts: %w", err)
	}
	return collect(rows, scanFact)
}

func scanFact(r rowScanner) (GroupedFact, error) {
	var g GroupedFact
	f := &g.Fact
	var report string
	var day scanTime
	var direct nullBool
	err := r.Scan(&f.ConnectionID, &f.FileID, &f.File, &f.Line, &report, &day, &f.Key, &g.Group, &f.Program, &f.Currency, &f.TrackingID,
		&f.Subtag, &f.ASIN, &f.Name, &f.Category, &f.Seller, &f.Device, &f.LinkType, &direct, &f.Price, &f.Quantity, &f.Returns,
		&f.Revenue, &f.Commission, &f.Rate, &f.Clicks, &f.ItemsOrdered, &f.ItemsShipped)
	if err != nil {
		return g, fmt.Errorf("read fact: %w", err)
	}
	f.Report, f.Day, f.Direct = model.ReportType(report), day.T, direct.ptr()
	return g, nil
}

// GroupsInOtherFiles answers which of the groups have facts in a file other
// than fileID and the files of dead (files that count for no day, whose
// facts never count): the groups a file brings that are not new. The index
// on (connection_id, group_key, file_id) answers it alone.
func (t *Tx) GroupsInOtherFiles(ctx context.Context, connectionID string, fileID int64, dead []int64, groups []string) (map[string]bool, error) {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return nil, err
	}
	skip := append([]int64{fileID}, dead...)
	out, err := querySet[string](ctx, t, groups, func(chunk []string) (string, []any) {
		args := sqlArgs{connectionID}
		return `SELECT DISTINCT group_key FROM facts WHERE connection_id = $1
			AND ` + notInList(t.s.dialect, &args, "file_id", skip) + `
			AND ` + inList(t.s.dialect, &args, "group_key", chunk), args
	})
	if err != nil {
		return nil, fmt.Errorf("groups in other files: %w", err)
	}
	return out, nil
}

// FilesCounting answers which of the files count for some day: the chosen
// file of some (report type, day, tracking ID) of the connection.
func (t *Tx) FilesCounting(ctx context.Context, connectionID string, files []int64) (map[int64]bool, error) {
	out, err := querySet[int64](ctx, t, files, func(chunk []int64) (string, []any) {
		args := sqlArgs{connectionID}
		return `SELECT DISTINCT file_id FROM chosen_days WHERE connection_id = $1
			AND ` + inList(t.s.dialect, &args, "file_id", chunk), args
	})
	if err != nil {
		return nil, fmt.Errorf("files counting: %w", err)
	}
	return out, nil
}

// querySet runs the query that build makes for each chunk of values (one
// list, listChunks) and gathers the first column of every row it answers.
func querySet[T comparable, V any](ctx context.Context, t *Tx, values []V, build func(chunk []V) (string, []any)) (map[T]bool, error) {
	out := map[T]bool{}
	for chunk := range listChunks(t.s.dialect, values) {
		q, args := build(chunk)
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		list, err := collect(rows, scanOne[T])
		if err != nil {
			return nil, err
		}
		for _, v := range list {
			out[v] = true
		}
	}
	return out, nil
}

// GroupsLeftBehind lists, in order and a batch at a time (those after
// "after"), the groups with facts in file "of" and none in file "by": the
// groups of a re-issued file that its re-issue dropped. A page of the
// groups of "of" and the groups of "by" in the same key range both come in
// order out of the index on (file_id, group_key), and the difference is
// taken here: two range scans rather than a probe per group (1.9 s of a
// million-row re-import). A page that "by" holds whole is skipped, so a
// batch may be shorter than limit; none means there are no more.
func (t *Tx) GroupsLeftBehind(ctx context.Context, of, by int64, after string, limit int) ([]string, error) {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return nil, err
	}
	for {
		rows, err := t.query(ctx, `SELECT DISTINCT group_key FROM facts WHERE file_id = $1 AND group_key > $2
			ORDER BY group_key LIMIT $3`, of, after, limit)
		if err != nil {
			return nil, fmt.Errorf("groups left behind: %w", err)
		}
		groups, err := collect(rows, scanOne[string])
		if err != nil {
			return nil, fmt.Errorf("groups left behind: %w", err)
		}
		if len(groups) == 0 {
			return nil, nil
		}
		first, last := groups[0], groups[len(groups)-1]
		rows, err = t.query(ctx, `SELECT DISTINCT group_key FROM facts WHERE file_id = $1 AND group_key >= $2 AND group_key <= $3
			ORDER BY group_key`, by, first, last)
		if err != nil {
			return nil, fmt.Errorf("groups left behind: %w", err)
		}
		kept, err := collect(rows, scanOne[string])
		if err != nil {
			return nil, fmt.Errorf("groups left behind: %w", err)
		}
		left := slices.DeleteFunc(groups, func(g string) bool {
			_, found := slices.BinarySearch(kept, g)
			return found
		})
		if len(left) > 0 {
			return left, nil
		}
		after = last
	}
}

// StoredTransactions are the transactions stored for some projection
// groups, read once (TransactionsOfGroups) to find the ones no longer
// projected and to compare the projected ones with (UpsertStored).
type StoredTransactions struct {
	groups map[string]string // id → group
	rows   map[string]txWithSeq
}

// Groups maps each stored transaction's id to its group.
func (st StoredTransactions) Groups() map[string]string { return st.groups }

// Transaction is the stored transaction id, with its items.
func (st StoredTransactions) Transaction(id string) (model.Transaction, error) {
	x := st.rows[id]
	if err := x.decodedItems(); err != nil {
		return model.Transaction{}, err
	}
	st.rows[id] = x
	return x.Transaction, nil
}

// TransactionsOfGroups reads the transactions stored for projection groups
// of a connection, with their items, in one pass over the groups' index.
func (t *Tx) TransactionsOfGroups(ctx context.Context, workspaceID, connectionID string, groups []string) (StoredTransactions, error) {
	out := StoredTransactions{groups: map[string]string{}, rows: map[string]txWithSeq{}}
	if err := t.freshStats(ctx, "transactions"); err != nil {
		return out, err
	}
	for chunk := range listChunks(t.s.dialect, groups) {
		args := sqlArgs{connectionID}
		rows, err := t.query(ctx, `SELECT `+txColumns+`, `+itemsColumn+`, t.group_key FROM transactions t WHERE t.connection_id = $1
			AND `+inList(t.s.dialect, &args, "t.group_key", chunk), args...)
		if err != nil {
			return out, fmt.Errorf("transactions of groups: %w", err)
		}
		type grouped struct {
			x     txWithSeq
			group string
		}
		list, err := collect(rows, func(r rowScanner) (grouped, error) {
			var g grouped
			var err error // the group is the last column, after the items
			// The items are decoded only if the projected ones differ (upsert).
			g.x, err = scanTransactionItemsAsStored(withItems{r, &g.group})
			return g, err
		})
		if err != nil {
			return out, fmt.Errorf("transactions of groups: %w", err)
		}
		for _, g := range list {
			if g.x.WorkspaceID != workspaceID {
				return out, fmt.Errorf("transaction %s belongs to another workspace", g.x.ID)
			}
			out.groups[g.x.ID], out.rows[g.x.ID] = g.group, g.x
		}
	}
	return out, nil
}

// RevenueSummer adds facts up into rows of revenues: lifecycle.RevenueSums,
// which holds the revenue rule (SPEC §4.2). The store reads the facts that
// count; what they sum to is the rule's.
type RevenueSummer interface {
	// Add adds a fact; only its report, day, tracking ID, program, subtag,
	// currency, revenue, commission, quantity and returns are set.
	Add(f model.Fact)
	// Rows are the sums of the facts added since the last call.
	Rows() []model.Revenue
}

// ProjectRevenues recomputes a connection's daily revenues on days [from,
// to] from the Earnings and Bounty facts that count, a day at a time (so
// memory follows one day's sums): sums adds up the day's facts, and only
// the rows that changed are written (diffSums).
//
// fileID is the file being imported (0 if none): when it is the only file
// counting on those days, its own facts are the ones that count, and the
// chosen-file join (a lookup per fact) is skipped (countedFacts).
func (t *Tx) ProjectRevenues(ctx context.Context, workspaceID, connectionID string, from, to time.Time, fileID int64, sums RevenueSummer) error {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return err
	}
	if err := t.checkConnection(ctx, workspaceID, connectionID); err != nil {
		return fmt.Errorf("project revenues: %w", err)
	}
	t.touch(workspaceID, connectionID, from, to)
	counted, more, k, err := t.countedFacts(ctx, connectionID, from, to, fileID, 4, model.ReportEarnings, model.ReportBounty)
	if err != nil {
		return fmt.Errorf("project revenues: %w", err)
	}
	q := `SELECT f.report_type, f.tracking_id, f.program, f.subtag, f.currency, f.revenue, f.commission, f.quantity, f.returns` +
		counted + k + `connection_id = $1 AND ` + k + `report_type IN ($2, $3) AND ` + k + `day = $4`
	for day := utcDay(from); !day.After(utcDay(to)); day = day.AddDate(0, 0, 1) {
		args := append([]any{connectionID, string(model.ReportEarnings), string(model.ReportBounty), date(day)}, more...)
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("project revenues of %s: %w", date(day), err)
		}
		err = eachRow(rows, func(r rowScanner) error {
			f := model.Fact{Day: day}
			var report string
			if err := r.Scan(&report, &f.TrackingID, &f.Program, &f.Subtag, &f.Currency, &f.Revenue, &f.Commission, &f.Quantity, &f.Returns); err != nil {
				return err
			}
			f.Report = model.ReportType(report)
			sums.Add(f)
			return nil
		})
		if err != nil {
			return fmt.Errorf("project revenues of %s: %w", date(day), err)
		}
		if err := t.diffSums(ctx, revenueSums, workspaceID, connectionID, day, revenueSumRows(sums.Rows())); err != nil {
			return fmt.Errorf("project revenues of %s: %w", date(day), err)
		}
	}
	return nil
}

// CountsAlone says whether fileID is the only file that counts on days
// [from, to] for the given reports: then the facts that count there are
// all its own (each of its facts' days and tracking IDs has a chosen row,
// CoverDays) and no other file's.
func (t *Tx) CountsAlone(ctx context.Context, connectionID string, from, to time.Time, fileID int64, reports ...model.ReportType) (bool, error) {
	args := sqlArgs{connectionID, date(from), date(to), fileID}
	var other bool
	err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM chosen_days WHERE connection_id = $1 AND day >= $2 AND day <= $3
		AND file_id <> $4 AND `+inList(t.s.dialect, &args, "report_type", reportNames(reports))+`)`, args...).Scan(&other)
	if err != nil {
		return false, fmt.Errorf("files counting: %w", err)
	}
	return !other, nil
}

// RevenuesOnDays says whether a connection has revenues of kind cps on days
// [from, to]: if not, a file writing them from its spool (AddRevenues) has
// no stale rows to sweep after (SweepRevenues).
func (t *Tx) RevenuesOnDays(ctx context.Context, connectionID string, from, to time.Time) (bool, error) {
	some, err := t.sumsOnDays(ctx, revenueSums, connectionID, from, to)
	if err != nil {
		return false, fmt.Errorf("revenues on days: %w", err)
	}
	return some, nil
}

// SweepRevenues deletes a connection's revenues of kind cps on days [from,
// to] that file fileID did not write (AddRevenues): once a file counting
// alone on those days has added all its rows, the others are stale.
func (t *Tx) SweepRevenues(ctx context.Context, workspaceID, connectionID string, from, to time.Time, fileID int64) error {
	if err := t.checkConnection(ctx, workspaceID, connectionID); err != nil {
		return fmt.Errorf("sweep revenues: %w", err)
	}
	t.touch(workspaceID, connectionID, from, to)
	_, err := t.exec(ctx, `DELETE FROM revenues WHERE connection_id = $1 AND day >= $2 AND day <= $3`+revenueSums.scope()+` AND file_id <> $4`,
		connectionID, date(from), date(to), fileID)
	if err != nil {
		return fmt.Errorf("sweep revenues: %w", err)
	}
	return nil
}

// AddRevenues writes rows of kind cps of file fileID to a connection's
// revenues: a row this file wrote already gets its sums added to the stored
// ones; any other stored row of the key is replaced. A file alone on its
// days writes its revenues so, a part of its facts at a time
// (lifecycle.RevenueSums says which parts add up), then sweeps the rows of
// those days it did not write (SweepRevenues). A re-issue so rewrites the
// stored rows in place (no index changes) rather than deleting and
// inserting each. rows are in key order, so their first and last are the days.
func (t *Tx) AddRevenues(ctx context.Context, workspaceID, connectionID string, fileID int64, rows []model.Revenue) error {
	if len(rows) == 0 {
		return nil
	}
	if err := t.checkConnection(ctx, workspaceID, connectionID); err != nil {
		return fmt.Errorf("add revenues: %w", err)
	}
	t.touch(workspaceID, connectionID, rows[0].Date, rows[len(rows)-1].Date)
	values := make([][]any, len(rows))
	for i, r := range revenueSumRows(rows) {
		values[i] = append(revenueSums.rowOf(workspaceID, connectionID, rows[i].Date, r), fileID)
	}
	if err := t.upsertRows(ctx, revenueSums.table, append(revenueSums.columns(), "file_id"), values, revenueSums.addsForFile()); err != nil {
		return fmt.Errorf("add revenues: %w", err)
	}
	return nil
}

// revenueSumRows are rows of revenues as sumRows of revenueSums.
func revenueSumRows(rows []model.Revenue) []sumRow {
	out := make([]sumRow, len(rows))
	for i, r := range rows {
		out[i] = sumRow{keys: []string{r.Channel, r.Program, r.Custom, r.Currency},
			vals: []int64{r.SaleAmount, r.Commission, r.ItemsShipped, r.ItemsReturned, r.Transactions}}
	}
	return out
}

// ProjectClicks recomputes a connection's daily clicks on days [from, to]
// from the Tracking facts that count.
// fileID is as for ProjectRevenues.
func (t *Tx) ProjectClicks(ctx context.Context, workspaceID, connectionID string, from, to time.Time, fileID int64) error {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return err
	}
	t.touch(workspaceID, connectionID, from, to)
	counted, more, k, err := t.countedFacts(ctx, connectionID, from, to, fileID, 5, model.ReportTracking)
	if err != nil {
		return fmt.Errorf("project clicks: %w", err)
	}
	sel := `SELECT CAST($1 AS TEXT), f.connection_id, f.day, f.tracking_id, f.program, f.subtag, SUM(f.clicks)` + counted + k + `connection_id = $2
		AND ` + k + `report_type = $5 AND ` + k + `day >= $3 AND ` + k + `day <= $4
		GROUP BY f.connection_id, f.day, f.tracking_id, f.program, f.subtag`
	return t.projectSums(ctx, clickSums, workspaceID, connectionID, from, to, sel,
		append([]any{workspaceID, connectionID, date(from), date(to), string(model.ReportTracking)}, more...))
}

// CategoryFeeSums sums, per product category, the ad fees and revenue of the
// shipments that count (positive quantity and revenue, a category named):
// the basis of order-mode estimates (lifecycle.RatesOf), in SQL so that it
// costs no memory.
//
// It sums one counting file at a time (chosen_days names them), so that
// each file's facts are a range of the day index, led by the file: asked
// for the connection at once, PostgreSQL reads that index whole by its
// report type and hashes it against chosen_days.
func (t *Tx) CategoryFeeSums(ctx context.Context, connectionID string) (map[string]model.FeeSums, error) {
	if err := t.freshStats(ctx, "facts"); err != nil {
		return nil, err
	}
	rows, err := t.query(ctx, `SELECT DISTINCT file_id FROM chosen_days WHERE connection_id = $1 AND report_type = $2 ORDER BY file_id`,
		connectionID, string(model.ReportEarnings))
	if err != nil {
		return nil, fmt.Errorf("category fee sums: %w", err)
	}
	files, err := collect(rows, scanOne[int64])
	if err != nil {
		return nil, fmt.Errorf("category fee sums: %w", err)
	}
	out := map[string]model.FeeSums{}
	for _, file := range files {
		rows, err := t.query(ctx, `SELECT f.category, SUM(f.commission), SUM(f.revenue)`+t.chosenDaysJoin()+`WHERE c.file_id = $3
			AND c.connection_id = $1 AND c.report_type = $2 AND f.category <> '' AND f.quantity > 0 AND f.revenue > 0 GROUP BY f.category`,
			connectionID, string(model.ReportEarnings), file)
		if err != nil {
			return nil, fmt.Errorf("category fee sums: %w", err)
		}
		err = eachRow(rows, func(r rowScanner) error {
			var c string
			var s model.FeeSums
			if err := r.Scan(&c, &s.Fees, &s.Revenue); err != nil {
				return err
			}
			sum := out[c]
			sum.Fees, sum.Revenue = sum.Fees+s.Fees, sum.Revenue+s.Revenue
			out[c] = sum
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("category fee sums: %w", err)
		}
	}
	return out, nil
}

// UnshippedOrderGroups lists the groups of the connection's orders not
// shipped yet (pending, "ordered") in one of the categories: their estimates
// follow the category's rate.
func (t *Tx) UnshippedOrderGroups(ctx context.Context, connectionID string, categories []string) ([]string, error) {
	if err := t.freshStats(ctx, "transactions"); err != nil {
		return nil, err
	}
	// An item's category is the third field of its array (items_json.go).
	elements, category := "json_each(t.items) i", "i.value ->> 2"
	if t.s.dialect == Postgres {
		elements, category = "json_array_elements(t.items::json) i", "i ->> 2"
	}
	var out []string
	for chunk := range listChunks(t.s.dialect, categories) {
		args := sqlArgs{connectionID}
		rows, err := t.query(ctx, `SELECT DISTINCT t.group_key FROM transactions t
			WHERE t.connection_id = $1 AND t.status = 'pending' AND t.network_status = 'ordered'
			AND EXISTS (SELECT 1 FROM `+elements+` WHERE `+inList(t.s.dialect, &args, category, chunk)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("unshipped order groups: %w", err)
		}
		list, err := collect(rows, scanOne[string])
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// PendingGroups lists, a batch at a time (those after "after"), the
// projection groups of a connection with a pending transaction: the ones
// whose status may change with the date alone (a return window passing, an
// order left unshipped).
func (t *Tx) PendingGroups(ctx context.Context, connectionID, after string, limit int) ([]string, error) {
	rows, err := t.query(ctx, `SELECT DISTINCT group_key FROM transactions WHERE connection_id = $1 AND status = 'pending'
		AND group_key > $2 ORDER BY group_key LIMIT $3`, connectionID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("pending groups: %w", err)
	}
	return collect(rows, scanOne[string])
}
