package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// lineReader reads lines of bounded length, decoding UTF-8 and falling back
// to Windows-1252 for the rest of the file once a line is not valid UTF-8.
type lineReader struct {
	r      *bufio.Reader
	name   string
	max    int
	line   int
	cp1252 bool
}

func (lr *lineReader) next() (string, error) {
	var buf []byte
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(buf)+len(chunk) > lr.max {
			return "", errorf(lr.name, lr.line+1, 0, "line longer than the %d-byte limit", lr.max)
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", readError(lr.name, lr.line+1, err)
		}
		if len(buf) == 0 && err != nil {
			return "", io.EOF
		}
		lr.line++
		buf = bytes.TrimRight(buf, "\r\n")
		if lr.line == 1 {
			buf = bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf"))
		}
		if !lr.cp1252 && !utf8.Valid(buf) {
			lr.cp1252 = true
		}
		if lr.cp1252 {
			dec, derr := charmap.Windows1252.NewDecoder().Bytes(buf)
			if derr != nil {
				return "", errorf(lr.name, lr.line, 0, "text in neither UTF-8 nor Windows-1252")
			}
			return string(dec), nil
		}
		return string(buf), nil
	}
}

// readError names a failure of the layers below (gzip, zip) at a line.
func readError(name string, line int, err error) error {
	var ie *Error
	if errors.As(err, &ie) {
		return ie
	}
	return &Error{File: name, Line: line, Msg: "cannot read: " + err.Error(), Err: err}
}

// splitFields splits a line on delim, honouring double quotes with doubled
// quotes inside.
func splitFields(name string, lineNo int, line string, delim byte) ([]string, error) {
	var fields []string
	var b strings.Builder
	inQuotes, quoted := false, false
	col := 1
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inQuotes && c == '"' && i+1 < len(line) && line[i+1] == '"':
			b.WriteByte('"')
			i++
		case inQuotes && c == '"':
			inQuotes = false
		case !inQuotes && c == '"' && b.Len() == 0 && !quoted:
			inQuotes, quoted = true, true
		case !inQuotes && c == delim:
			fields = append(fields, b.String())
			b.Reset()
			quoted = false
			col++
		default:
			b.WriteByte(c)
		}
	}
	if inQuotes {
		return nil, errorf(name, lineNo, col, "a quoted value is not closed")
	}
	return append(fields, b.String()), nil
}

// detectDelimiter picks tab, comma or semicolon from a header line.
func detectDelimiter(line string) byte {
	best, n := byte('\t'), strings.Count(line, "\t")
	for _, d := range []byte{',', ';'} {
		if c := strings.Count(line, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// readText reads a CSV/TSV/semicolon report: an optional title line, the
// header, then data.
func readText(name string, r io.Reader, lim Limits, fn func(*Table) error) error {
	lr := &lineReader{r: bufio.NewReaderSize(r, 64<<10), name: name, max: lim.MaxLineBytes}
	info := infoFromName(name)
	t := &Table{Name: name, RawType: info.rawType, Subtags: info.subtags, Report: reportOf(info.rawType)}
	if !info.day.IsZero() {
		t.Coverage = [2]time.Time{info.day, info.day}
	}
	var h header
	var delim byte
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			// A zero-byte file, or a title without a header: a valid report of no rows.
			t.Format = "tsv"
			t.Next = func() (Row, error) { return Row{}, io.EOF }
			return fn(t)
		}
		if err != nil {
			return err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		delim = detectDelimiter(line)
		fields, err := splitFields(name, lr.line, line, delim)
		if err != nil {
			return err
		}
		if h = parseHeader(fields); h.known >= 2 {
			break
		}
		if t.Title == "" && lr.line <= 2 && looksLikeTitle(fields) {
			t.Title = strings.TrimSpace(strings.Join(fields, " "))
			if rt := infoFromName(t.Title); rt.rawType != "" && t.RawType == "" {
				t.RawType, t.Report = rt.rawType, reportOf(rt.rawType)
			}
			if from, to, ok := titleCoverage(t.Title); ok {
				t.Coverage = [2]time.Time{from, to}
			}
			continue
		}
		if t.Report == "" && t.RawType != "" {
			// A report type affsync does not import, named by the file: its
			// rows are read (to be counted and noted), not understood.
			h = parseHeader(fields)
			break
		}
		return errorf(name, lr.line, 1, "no report header found: expected columns like ASIN, Date Shipped, Ad Fees")
	}
	t.Format = map[byte]string{'\t': "tsv", ',': "csv", ';': "csv"}[delim]
	finishHeader(t, h)
	t.Next = func() (Row, error) {
		for {
			line, err := lr.next()
			if err != nil {
				return Row{}, err
			}
			if strings.TrimSpace(line) == "" {
				t.skipped++
				continue
			}
			fields, err := splitFields(name, lr.line, line, delim)
			if err != nil {
				return Row{}, err
			}
			if isTotalRow(fields) {
				t.skipped++
				continue
			}
			return h.row(lr.line, fields), nil
		}
	}
	return fn(t)
}

// finishHeader sets what a header tells about a table.
func finishHeader(t *Table, h header) {
	t.Columns = h.columns
	t.CurrencyHint = h.currencyHint
	if _, ok := h.index["subtag"]; ok && !t.Subtags {
		t.Subtags = true
	}
	if t.Report == "" {
		rt, raw := reportOfHeader(h)
		t.Report = rt
		if t.RawType == "" {
			t.RawType = raw
		}
	}
}

// row makes a Row of fields under this header.
func (h header) row(line int, fields []string) Row {
	r := Row{Line: line, values: make(map[string]string, len(h.index)), columns: make(map[string]int, len(h.index))}
	for col, i := range h.index {
		if i < len(fields) {
			r.values[col] = strings.TrimSpace(fields[i])
			r.columns[col] = i + 1
		}
	}
	return r
}

// isTotalRow tells the summary line that may end a download.
func isTotalRow(fields []string) bool {
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		return strings.EqualFold(f, "total") || strings.EqualFold(f, "totals") || strings.HasPrefix(strings.ToLower(f), "total:")
	}
	return true // an all-empty row
}
