package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/affsync/affsync/internal/cellsafe"
)

// Exports: format=csv|xlsx on a list endpoint answers the whole list, every
// page, as a file. The columns are the fields of the list's JSON rows, in
// the same names and forms (amounts as exact decimal strings), so an export
// never disagrees with the API; arrays of strings (customs) are joined with
// ";" (cellsafe.Join), nested lists (items, history) are left out.
//
// A list endpoint opts in with one line in Register, wrapping its handler:
//
//	exportable(s, "transactions", s.listTransactions, s.transactionRows)
//
// where rows walks the list with the request's filters, page by page through
// the store's cursor, handing each row to emit as it comes. Memory stays flat
// in the number of rows: CSV goes to the client row by row; XLSX rows go
// through excelize's StreamWriter, which spills to a temporary file past
// 16 MB and copies it into the zip at the end.

// rowsFunc walks every row of a list that r's filters select (cursor and
// limit are not given to it), handing each to emit.
type rowsFunc[T any] func(r *http.Request, emit func(T) error) error

// exportPage is how many rows an export reads from the store at a time.
const exportPage = 1000

// exportable answers list as usual, or with format=csv|xlsx the whole list as a file.
func exportable[T any](s *Server, name string, list http.HandlerFunc, rows rowsFunc[T]) http.HandlerFunc {
	cols := columnsOf(reflect.TypeFor[T]())
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if !q.Has("format") {
			list(w, r)
			return
		}
		format := q.Get("format")
		if format != "csv" && format != "xlsx" {
			s.fail(w, r, badRequest{"format must be csv or xlsx (or absent, for JSON)"})
			return
		}
		q.Del("format")
		q.Del("cursor")
		q.Del("limit")
		r = r.Clone(r.Context())
		r.URL.RawQuery = q.Encode()
		file := name + "-" + s.now().UTC().Format("2006-01-02") + "." + format
		var out sheet
		if format == "csv" {
			out = newCSVSheet(w, file)
		} else {
			out = newXLSXSheet(w, file, name)
		}
		defer out.close()
		if err := out.head(cols.header()); err != nil {
			s.fail(w, r, err)
			return
		}
		err := rows(r, func(v T) error { return out.row(cols.cells(reflect.ValueOf(v))) })
		if err == nil {
			err = out.finish()
		}
		if err == nil {
			return
		}
		if !out.started() {
			s.fail(w, r, err) // nothing sent yet: a proper error answer
			return
		}
		// Half a file is on its way: break the connection rather than let
		// the client take a short file for the whole list.
		s.log.Error("export broken off", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// sheet is a file of rows being written to the client.
type sheet interface {
	head(cells []any) error // the header row
	row(cells []any) error
	finish() error // the last row was written
	started() bool // some of the answer was sent
	close()        // frees what finish did not
}

// csvSheet writes rows to the client as they come. The answer starts with
// the first row (or the end), so that a failure of the first query can still
// be answered as JSON.
type csvSheet struct {
	w      http.ResponseWriter
	file   string
	header []string
	out    *csv.Writer // nil until the answer starts
	rows   int
}

func newCSVSheet(w http.ResponseWriter, file string) *csvSheet {
	return &csvSheet{w: w, file: file}
}

func (c *csvSheet) head(cells []any) error {
	c.header = toStrings(cells)
	return nil
}

func (c *csvSheet) start() error {
	setAttachment(c.w, "text/csv; charset=utf-8", c.file)
	c.w.WriteHeader(http.StatusOK)
	c.out = csv.NewWriter(c.w)
	return c.out.Write(c.header)
}

func (c *csvSheet) row(cells []any) error {
	if c.out == nil {
		if err := c.start(); err != nil {
			return err
		}
	}
	if err := c.out.Write(guarded(toStrings(cells))); err != nil {
		return err
	}
	if c.rows++; c.rows%exportPage == 0 {
		c.out.Flush()
		return c.out.Error()
	}
	return nil
}

func (c *csvSheet) finish() error {
	if c.out == nil {
		if err := c.start(); err != nil {
			return err
		}
	}
	c.out.Flush()
	return c.out.Error()
}

func (c *csvSheet) started() bool { return c.out != nil }
func (c *csvSheet) close()        {}

// guarded keeps a spreadsheet from running CSV cells as formulas, as the
// dashboard's exports do. (XLSX cells are typed: text is never a formula.)
func guarded(cells []string) []string {
	for i, c := range cells {
		cells[i] = cellsafe.Text(c)
	}
	return cells
}

func toStrings(cells []any) []string {
	out := make([]string, len(cells))
	for i, v := range cells {
		switch x := v.(type) {
		case string:
			out[i] = x
		case int64:
			out[i] = strconv.FormatInt(x, 10)
		case bool:
			out[i] = strconv.FormatBool(x)
		case nil:
		default:
			out[i] = fmt.Sprint(x)
		}
	}
	return out
}

// xlsxSheet streams rows into a workbook of one sheet and sends it at the end.
type xlsxSheet struct {
	w      http.ResponseWriter
	file   string
	book   *excelize.File
	stream *excelize.StreamWriter
	err    error
	rows   int
	sent   bool
}

func newXLSXSheet(w http.ResponseWriter, file, name string) *xlsxSheet {
	x := &xlsxSheet{w: w, file: file, book: excelize.NewFile()}
	if x.err = x.book.SetSheetName("Sheet1", name); x.err == nil {
		x.stream, x.err = x.book.NewStreamWriter(name)
	}
	return x
}

func (x *xlsxSheet) head(cells []any) error { return x.row(cells) }

func (x *xlsxSheet) row(cells []any) error {
	if x.err != nil {
		return x.err
	}
	x.rows++
	cell, err := excelize.CoordinatesToCellName(1, x.rows)
	if err != nil {
		return err
	}
	return x.stream.SetRow(cell, cells)
}

func (x *xlsxSheet) finish() error {
	if x.err != nil {
		return x.err
	}
	if err := x.stream.Flush(); err != nil {
		return err
	}
	setAttachment(x.w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", x.file)
	x.w.WriteHeader(http.StatusOK)
	x.sent = true
	return x.book.Write(x.w)
}

func (x *xlsxSheet) started() bool { return x.sent }
func (x *xlsxSheet) close()        { _ = x.book.Close() } // removes its temporary files

func setAttachment(w http.ResponseWriter, contentType, file string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	w.Header().Set("Cache-Control", "no-store")
}

// columns are the exported fields of a JSON row type.
type columns []column

type column struct {
	name  string
	index int
	inner int // the field's index inside a nested object (converted), or -1
}

// columnsOf lists T's JSON fields in order, leaving out nested lists.
func columnsOf(t reflect.Type) columns {
	var cols columns
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() != reflect.String {
			continue
		}
		// A nested object (converted) is flattened: converted_currency, …
		if et := f.Type; et.Kind() == reflect.Pointer && et.Elem().Kind() == reflect.Struct && et.Elem() != reflect.TypeFor[time.Time]() {
			for _, in := range columnsOf(et.Elem()) {
				cols = append(cols, column{name: name + "_" + in.name, index: i, inner: in.index})
			}
			continue
		}
		cols = append(cols, column{name: name, index: i, inner: -1})
	}
	return cols
}

func (cols columns) header() []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

// cells is one row's values: strings, except whole numbers (int64) and
// booleans; nil for a null.
func (cols columns) cells(v reflect.Value) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		f := v.Field(c.index)
		switch {
		case c.inner < 0:
			out[i] = cell(f)
		case f.IsNil():
			out[i] = nil
		default:
			out[i] = cell(f.Elem().Field(c.inner))
		}
	}
	return out
}

func cell(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if t, ok := v.Interface().(time.Time); ok {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(time.RFC3339)
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Bool:
		return v.Bool()
	case reflect.Slice:
		return cellsafe.Join(v.Interface().([]string))
	}
	return fmt.Sprint(v.Interface())
}
