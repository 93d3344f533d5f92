package reportfile

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

// lineReader reads lines of bounded length. It decodes UTF-8 and, from the
// first line that is not valid UTF-8 on, Windows-1252 (the legacy encoding
// of Associates Central TSV files); lines before it were plain ASCII or
// valid UTF-8, which that switch leaves as they were read.
type lineReader struct {
	r      *bufio.Reader
	name   string
	max    int
	line   int
	cp1252 bool
	back   []textLine // lines read ahead, given again before the reader's
}

// textLine is a decoded line and its number.
type textLine struct {
	text string
	line int
}

func (lr *lineReader) next() (string, error) {
	if len(lr.back) > 0 {
		l := lr.back[0]
		lr.back, lr.line = lr.back[1:], l.line
		return l.text, nil
	}
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
			return "", locate(err, lr.name, lr.line+1)
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

// record reads one record: a line, or several when a quoted value holds line
// breaks, bounded like a line. delim 0 detects the delimiter on the first
// line. line is where the record starts.
func (lr *lineReader) record(delim byte) (fields []string, line int, d byte, err error) {
	text, err := lr.next()
	if err != nil {
		return nil, 0, delim, err
	}
	line = lr.line
	if delim == 0 {
		delim = detectDelimiter(text)
	}
	for {
		fields, col, err := splitFields(text, delim)
		if err == nil {
			return fields, line, delim, nil
		}
		more, nerr := lr.next()
		if errors.Is(nerr, io.EOF) {
			return nil, line, delim, errorf(lr.name, line, col, "a quoted value is not closed")
		}
		if nerr != nil {
			return nil, line, delim, nerr
		}
		if len(text)+1+len(more) > lr.max {
			return nil, line, delim, errorf(lr.name, line, col, "a quoted value runs longer than the %d-byte line limit", lr.max)
		}
		text += "\n" + more
	}
}

// locate names a failure of the layers below (gzip, zip) at a line, keeping
// the message of an *Error that already says what went wrong.
func locate(err error, name string, line int) error {
	var ie *Error
	if errors.As(err, &ie) {
		if ie.Line == 0 {
			c := *ie
			c.Line = line
			return &c
		}
		return ie
	}
	return &Error{File: name, Line: line, Msg: "cannot read: " + err.Error(), Err: err}
}

// errUnclosed tells that a record goes on past the end of its line.
var errUnclosed = errors.New("a quoted value is not closed")

// splitFields splits a record on delim, honouring double quotes with doubled
// quotes inside. On errUnclosed, col is where the open quote's field starts.
func splitFields(text string, delim byte) (fields []string, col int, err error) {
	if strings.IndexByte(text, '"') < 0 {
		return strings.Split(text, string(delim)), 0, nil
	}
	var b strings.Builder
	inQuotes, quoted := false, false
	col = 1
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inQuotes && c == '"' && i+1 < len(text) && text[i+1] == '"':
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
		return nil, col, errUnclosed
	}
	return append(fields, b.String()), 0, nil
}

// detectDelimiter picks tab, comma or semicolon, whichever a header line
// holds most of (tab on a tie: DataFeed files are TSV).
func detectDelimiter(line string) byte {
	best, n := byte('\t'), strings.Count(line, "\t")
	for _, d := range []byte{',', ';'} {
		if c := strings.Count(line, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// readText reads a CSV/TSV/semicolon report: whatever lines come before
// the header (a title, none, several, blank ones), the header, then data.
// The header is found among the first headerWindow lines by the columns it
// names, and its delimiter is the one that names the most of them: a title
// is free text (SPEC §3.5) and decides nothing.
func readText(name string, r io.Reader, lim config, fn func(*Table) error) error {
	lr := &lineReader{r: bufio.NewReaderSize(r, 64<<10), name: name, max: lim.MaxLineBytes}
	reports := lim.reports
	raw, subtags, day := reports.FromName(name)
	t := &Table{Name: name, Kind: KindReport, RawType: raw, Subtags: subtags, Report: reports.Type(raw), Format: formatOfName(name)}
	if !day.IsZero() {
		t.Coverage = [2]time.Time{day, day}
	}
	// The first lines are read as plain text: a quote in a title opens
	// nothing. Lines after the header are read again as records.
	var top []textLine
	for len(top) < headerWindow {
		text, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		top = append(top, textLine{text, lr.line})
	}
	known := make([]int, len(top))
	guesses := make([]headerGuess, len(top))
	for i, l := range top {
		if strings.TrimSpace(l.text) != "" {
			guesses[i] = guessHeader(l.text, reports)
			known[i] = guesses[i].h.known
		}
	}
	at := pickHeader(known)
	var g headerGuess
	if at >= 0 {
		g = guesses[at]
		var pre []string
		for _, l := range top[:at] {
			pre = append(pre, l.text)
		}
		setTitle(t, pre, reports)
	} else {
		// No header: a title and nothing more is a report of no rows; a
		// report type affsync does not import, named by the file, has its
		// rows read (to be counted and noted) under its first line that is
		// no title; anything else is refused at that line.
		var pre []string
		for i, l := range top {
			if strings.TrimSpace(l.text) == "" {
				continue
			}
			fields, _, err := splitFields(l.text, detectDelimiter(l.text))
			if err != nil {
				fields = []string{l.text} // an open quote: no header, perhaps a title
			}
			if len(pre) == 0 && l.line <= 2 && looksLikeTitle(l.text, fields, reports) {
				pre = append(pre, l.text)
				continue
			}
			if t.Report == "" && t.RawType != "" {
				at, g.delim = i, detectDelimiter(l.text)
				g.h, g.kind = detectHeader(fields, reports)
				break
			}
			return errorf(name, l.line, 1, "wrong columns: no report header found in the first %d lines%s", headerWindow, expected(reports))
		}
		setTitle(t, pre, reports)
		if at < 0 {
			// A zero-byte file, or a title without a header: a valid report of no rows.
			t.Next = func() (Row, error) { return Row{}, io.EOF }
			return fn(t)
		}
	}
	lr.back = top[at+1:]
	h, kind, delim := g.h, g.kind, g.delim
	t.HeaderLine = top[at].line
	t.Format = map[byte]string{'\t': "tsv", ',': "csv", ';': "csv"}[delim]
	finishHeader(t, h, kind, reports)
	t.Next = func() (Row, error) {
		for {
			fields, line, _, err := lr.record(delim)
			if err != nil {
				return Row{}, err
			}
			if isTotalRow(fields) {
				t.skipped++
				continue
			}
			return h.row(line, fields), nil
		}
	}
	return fn(t)
}

// formatOfName guesses the format of a table without a header from its name.
func formatOfName(name string) string {
	n := strings.ToLower(strings.TrimSuffix(strings.ToLower(name), ".gz"))
	if strings.HasSuffix(n, ".csv") {
		return "csv"
	}
	return "tsv"
}

// finishHeader sets what a header tells about a table.
func finishHeader(t *Table, h *header, kind Kind, reports Reports) {
	t.Columns = h.columns
	t.CurrencyHint, t.HintColumn = h.currencyHint, h.hintColumn
	if t.Kind = kind; kind != KindReport {
		t.Report, t.Subtags = "", false
		t.RawType = string(kind)
		return
	}
	oneDay := !t.Coverage[0].IsZero() && t.Coverage[0].Equal(t.Coverage[1])
	t.Report, t.RawType, t.Subtags = reports.Classify(t.Report, t.RawType, t.Subtags, oneDay, h.has)
}

// expected is the hint of the error for a file without a header.
func expected(reports Reports) string {
	return " (" + reports.Expect() + ")"
}

// isTotalRow tells the summary line that may end a download, and empty rows.
func isTotalRow(fields []string) bool {
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		return strings.EqualFold(f, "total") || strings.EqualFold(f, "totals") || strings.HasPrefix(strings.ToLower(f), "total:")
	}
	return true
}
