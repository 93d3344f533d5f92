package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// export writes a table as CSV (streamed) or XLSX (built in memory with a
// streaming writer, then sent).
type export struct {
	w      http.ResponseWriter
	csv    *csv.Writer
	book   *excelize.File
	sheet  *excelize.StreamWriter
	rowNum int
}

func newExport(w http.ResponseWriter, format, name string) (*export, error) {
	e := &export{w: w}
	switch format {
	case "", "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		e.csv = csv.NewWriter(w)
	case "xlsx":
		e.book = excelize.NewFile()
		sw, err := e.book.NewStreamWriter("Sheet1")
		if err != nil {
			return nil, fmt.Errorf("xlsx: %w", err)
		}
		e.sheet = sw
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	default:
		return nil, userError{"format must be csv or xlsx"}
	}
	return e, nil
}

func (e *export) row(cells ...string) error {
	if e.csv != nil {
		for i, c := range cells {
			cells[i] = defuse(c)
		}
		return e.csv.Write(cells)
	}
	e.rowNum++
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c // text cells: amounts keep their exact decimal form
	}
	cell, _ := excelize.CoordinatesToCellName(1, e.rowNum)
	return e.sheet.SetRow(cell, vals)
}

// abort ends a broken export; a CSV already streamed is cut short and says so.
func (e *export) abort() {
	if e.csv != nil {
		_ = e.csv.Write([]string{"# export failed; see the server log"})
		e.csv.Flush()
		return
	}
	http.Error(e.w, "export failed; see the server log", http.StatusInternalServerError)
}

func (e *export) close() error {
	if e.csv != nil {
		e.csv.Flush()
		return e.csv.Error()
	}
	if err := e.sheet.Flush(); err != nil {
		return err
	}
	_, err := e.book.WriteTo(e.w)
	return err
}

// defuse keeps a spreadsheet from running a cell as a formula (CSV injection).
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := fmt.Sscanf(s, "%g", new(float64)); err == nil {
			return s // a negative number stays a number
		}
		return "'" + s
	}
	return s
}

// isoStamp writes an instant as RFC 3339 in UTC; nil is an empty cell.
func isoStamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func joinCustoms(cs []string) string { return strings.Join(cs, " ") }

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
