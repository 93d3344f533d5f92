package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/affsync/affsync/internal/cellsafe"
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
			cells[i] = cellsafe.Text(c)
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

// isoStamp writes an instant as RFC 3339 in UTC; nil is an empty cell.
func isoStamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// exportPages answers a list page's export as CSV or XLSX: the header, then
// the cells of every row of every store page. page answers the page after
// cursor ("" for the first) and the next cursor ("" after the last). A store
// error midway aborts the file, so a download that broke is never taken
// for a whole one.
func exportPages[T any](s *Server, w http.ResponseWriter, r *http.Request, v *viewer, name string, header []string,
	page func(cursor string) ([]T, string, error), cells func(T) []string) {
	out, err := newExport(w, r.URL.Query().Get("format"), name)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if err := out.row(header...); err != nil {
		return
	}
	for cursor := ""; ; {
		list, next, err := page(cursor)
		if err != nil {
			s.log.Error("export "+name, "err", err)
			out.abort()
			return
		}
		for _, x := range list {
			if err := out.row(cells(x)...); err != nil {
				return
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if err := out.close(); err != nil {
		s.log.Warn("export "+name, "err", err)
	}
}
