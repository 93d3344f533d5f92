package ingest

import (
	"errors"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the Fee-* sheets of an Associates Central workbook with
// excelize's streaming row iterator: row 1 the title, row 2 the header.
// Other sheets are passed over.
func readXLSX(name string, f *os.File, lim Limits, fn func(*Table) error) error {
	wb, err := excelize.OpenFile(f.Name(), excelize.Options{UnzipSizeLimit: lim.MaxMemberBytes, UnzipXMLSizeLimit: min(lim.MaxMemberBytes, 16<<20)})
	if err != nil {
		return &Error{File: name, Msg: "not a readable XLSX workbook: " + err.Error(), Err: err}
	}
	defer wb.Close()
	for _, sheet := range wb.GetSheetList() {
		if !strings.HasPrefix(strings.ToLower(sheet), "fee-") {
			continue
		}
		if err := readSheet(name+"#"+sheet, sheet, wb, lim, fn); err != nil {
			return err
		}
	}
	return nil
}

func readSheet(name, sheet string, wb *excelize.File, lim Limits, fn func(*Table) error) error {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return &Error{File: name, Msg: "cannot read sheet: " + err.Error(), Err: err}
	}
	defer rows.Close()
	t := &Table{Name: name, Kind: KindReport, Format: "xlsx", RawType: sheet, Report: reportOf(sheet)}
	line := 0
	next := func() ([]string, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, &Error{File: name, Line: line + 1, Msg: "cannot read row: " + err.Error(), Err: err}
			}
			return nil, io.EOF
		}
		line++
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
	var h *header
	var kind Kind
	for {
		cols, err := next()
		if errors.Is(err, io.EOF) {
			t.Next = func() (Row, error) { return Row{}, io.EOF }
			return fn(t)
		}
		if err != nil {
			return err
		}
		if h, kind = detectHeader(cols); h.known >= 2 {
			t.HeaderLine = line
			break
		}
		if t.Title == "" && line <= 2 && len(cols) > 0 {
			setTitle(t, strings.TrimSpace(strings.Join(cols, " ")))
			continue
		}
		if line >= 3 {
			return errorf(name, line, 1, "wrong columns: no report header found in the first rows of sheet %s", sheet)
		}
	}
	finishHeader(t, h, kind)
	var dateCols []int
	for _, c := range h.dates {
		if i, ok := h.index[c]; ok {
			dateCols = append(dateCols, i)
		}
	}
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
					cols[i] = excelDate(cols[i])
				}
			}
			return h.row(line, cols), nil
		}
	}
	return fn(t)
}

// excelDate turns a date cell's serial number (days since 1899-12-30) into
// YYYY-MM-DD; text dates pass through for the normaliser to read.
func excelDate(v string) string {
	s := strings.TrimSpace(v)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 2958465 || strings.ContainsAny(s, "eE") {
		return v
	}
	d, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return v
	}
	if f != math.Trunc(f) {
		return d.Format("2006-01-02T15:04:05") // a date and time cell (a custom import's sold or clicked)
	}
	return d.Format("2006-01-02")
}
