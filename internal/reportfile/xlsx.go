package reportfile

import (
	"errors"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the sheets of a workbook with excelize's streaming row
// iterator. A sheet the network names as a report (amazon: Fee-*, an Associates Central report): row 1 the
// title, row 2 the header, and a sheet without a header is an error, as a
// CSV would be. Any other sheet is read when one of its first rows is the
// header of a report, payments, deals or custom transactions file (a
// person's own spreadsheet); otherwise it is a KindOther table, listed and
// skipped. Empty sheets are passed over.
func readXLSX(name string, f *os.File, lim config, fn func(*Table) error) error {
	wb, err := excelize.OpenFile(f.Name(), excelize.Options{UnzipSizeLimit: lim.MaxMemberBytes, UnzipXMLSizeLimit: min(lim.MaxMemberBytes, 16<<20)})
	if err != nil {
		return &Error{File: name, Msg: "not a readable XLSX workbook: " + err.Error(), Err: err}
	}
	defer wb.Close()
	// A workbook made on a Mac may count its dates from 1904.
	props, err := wb.GetWorkbookProps()
	if err != nil {
		return &Error{File: name, Msg: "not a readable XLSX workbook: " + err.Error(), Err: err}
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	for _, sheet := range wb.GetSheetList() {
		if err := readSheet(name+"#"+sheet, sheet, wb, date1904, lim, fn); err != nil {
			return err
		}
	}
	return nil
}

func readSheet(name, sheet string, wb *excelize.File, date1904 bool, lim config, fn func(*Table) error) error {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return &Error{File: name, Msg: "cannot read sheet: " + err.Error(), Err: err}
	}
	defer rows.Close()
	reports := lim.reports
	fee := reports.Sheet(sheet) // a report by its sheet's name: its header must be there
	t := &Table{Name: name, Kind: KindReport, Format: "xlsx"}
	if fee {
		t.RawType, t.Report = sheet, reports.Type(sheet)
	}
	other := func() error {
		*t = Table{Name: name, Kind: KindOther, Format: "xlsx", RawType: sheet, Next: func() (Row, error) { return Row{}, io.EOF }}
		return fn(t)
	}
	line := 0
	next := func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, &Error{File: name, Line: line + 1, Msg: "cannot read row: " + err.Error(), Err: err}
			}
			return nil, io.EOF
		}
		line++ // the iterator stops at every row number, empty ones too: line is the spreadsheet's row
		// Raw values: amounts as stored ("29.99"), not as a cell format
		// shows them ("$29.99"); dates then come as serial numbers.
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &Error{File: name, Line: line, Msg: "cannot read row: " + err.Error(), Err: err}
		}
		n := 0
		for _, c := range cols {
			n += len(c)
		}
		if n > lim.MaxLineBytes {
			return nil, errorf(name, line, 0, "row longer than the %d-byte limit", lim.MaxLineBytes)
		}
		return cols, nil
	}
	// The header is the row of the first headerWindow that names the most
	// known columns; the rows above it are the title.
	type sheetRow struct {
		cols []string
		line int
	}
	var top []sheetRow
	for line < headerWindow {
		cols, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		top = append(top, sheetRow{cols, line})
	}
	known := make([]int, len(top))
	heads := make([]*header, len(top))
	kinds := make([]Kind, len(top))
	var filled []int // rows with a value: a sheet without one is passed over
	for i, r := range top {
		heads[i], kinds[i] = detectHeader(r.cols, reports)
		known[i] = heads[i].known
		if slices.ContainsFunc(r.cols, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			filled = append(filled, i)
		}
	}
	at := pickHeader(known)
	if at < 0 {
		switch {
		case fee && len(filled) > 1:
			return errorf(name, top[filled[1]].line, 1, "wrong columns: no report header found in the first %d rows of sheet %s", headerWindow, sheet)
		case fee:
			// A title and nothing more: a report of no rows.
			if len(filled) == 1 {
				setTitle(t, []string{strings.Join(top[filled[0]].cols, " ")}, reports)
			}
			t.Next = func() (Row, error) { return Row{}, io.EOF }
			return fn(t)
		case len(filled) > 0 || len(top) == headerWindow:
			// Values without a header, or more rows below blank ones.
			return other()
		}
		return nil
	}
	var pre []string
	for _, r := range top[:at] {
		pre = append(pre, strings.Join(r.cols, " "))
	}
	setTitle(t, pre, reports)
	h, kind := heads[at], kinds[at]
	t.HeaderLine = top[at].line
	back := top[at+1:]
	read := next
	next = func() ([]string, error) {
		if len(back) > 0 {
			r := back[0]
			back, line = back[1:], r.line
			return r.cols, nil
		}
		return read()
	}
	finishHeader(t, h, kind, reports)
	if !fee && t.Kind == KindReport && t.Report == "" {
		// Columns like a report's, but of none affsync imports (a person's
		// own click figures): listed like any other sheet, never a failure.
		return other()
	}
	dateCols, numberCols := h.indexes(h.dates), h.indexes(h.numbers)
	t.Next = func() (Row, error) {
		for {
			cols, err := next()
			if err != nil {
				return Row{}, err
			}
			if isTotalRow(cols) {
				t.skipped++
				continue
			}
			for _, i := range dateCols {
				if i < len(cols) {
					cols[i] = excelDate(cols[i], date1904)
				}
			}
			row := h.row(line, cols)
			for _, i := range numberCols {
				if i >= len(cols) {
					continue
				}
				if v, ok := excelNumber(cols[i]); ok {
					if row.numeric == nil {
						row.numeric = make([]bool, len(cols))
					}
					cols[i], row.numeric[i] = v, true
				}
			}
			return row, nil
		}
	}
	return fn(t)
}

// excelDate turns a date cell's serial number (days since 1899-12-30, or
// since 1904-01-01) into YYYY-MM-DD; text dates pass through for the
// normaliser to read.
func excelDate(v string, date1904 bool) string {
	s := strings.TrimSpace(v)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 2958465 || strings.ContainsAny(s, "eE") {
		return v
	}
	d, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return v
	}
	if f != math.Trunc(f) {
		return d.Format("2006-01-02T15:04:05") // a date and time cell (a custom import's sold or clicked)
	}
	return d.Format("2006-01-02")
}

// excelSignificant is the precision of a spreadsheet number: Excel keeps
// and shows 15 significant digits, and the digits a file stores beyond
// them are binary noise ("1.1000000000000001", "0.30000000000000004").
const excelSignificant = 15

// excelNumber reads a number cell as the decimal a person typed, from its
// stored text and never through float64: the XML form ("-12.5",
// "1.1000000000000001", "1.5E-2") rounded to 15 significant digits and
// written out in full ("0.015"), its point the decimal one. ok is false
// for text in any other form ("1.234,56", "$12.50"), which the
// locale-aware parsers read as it is.
func excelNumber(v string) (string, bool) {
	neg, digits, exp, ok := parseXMLNumber(strings.TrimSpace(v))
	if !ok {
		return v, false
	}
	// value = 0.digits × 10^exp, digits without leading zeros.
	if len(digits) > excelSignificant {
		round := digits[excelSignificant] >= '5'
		digits = digits[:excelSignificant]
		for i := len(digits) - 1; round && i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			round = false
		}
		if round { // 999… rounded up to 1000…
			digits = append([]byte{'1'}, digits...)
			exp++
		}
	}
	s := strings.TrimRight(string(digits), "0")
	if s == "" {
		return "0", true
	}
	var whole, frac string
	switch {
	case exp <= 0:
		whole, frac = "0", strings.Repeat("0", -exp)+s
	case exp >= len(s):
		whole = s + strings.Repeat("0", exp-len(s))
	default:
		whole, frac = s[:exp], s[exp:]
	}
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out, true
}

// maxExcelExponent bounds the exponents excelNumber writes out in full;
// no amount or count comes near it, and a larger one stays as it is (an
// error for the parsers).
const maxExcelExponent = 30

// parseXMLNumber splits an xsd:double as spreadsheets store it ("-12.5",
// "1.5E-2", "46298") into its sign, its significant digits (no leading
// or trailing zeros; empty for zero) and the exponent that makes the value
// 0.digits × 10^exp.
func parseXMLNumber(s string) (neg bool, digits []byte, exp int, ok bool) {
	if s == "" {
		return false, nil, 0, false
	}
	if s[0] == '-' || s[0] == '+' {
		neg, s = s[0] == '-', s[1:]
	}
	mant, e10 := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e < -maxExcelExponent || e > maxExcelExponent {
			return false, nil, 0, false
		}
		mant, e10 = s[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if (whole == "" && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return false, nil, 0, false
	}
	all := strings.TrimLeft(whole+frac, "0")
	exp = len(whole) - (len(whole+frac) - len(all)) + e10
	all = strings.TrimRight(all, "0")
	if all == "" {
		return false, nil, 0, true
	}
	return neg, []byte(all), exp, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
