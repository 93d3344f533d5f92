package fxrate

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Rate is one ECB reference rate: Value units of Currency per 1 EUR on Day
// (a calendar date, UTC midnight).
type Rate struct {
	Day      time.Time
	Currency string
	Value    Decimal
}

// Error locates bad input: "FILE:LINE:COLUMN: message".
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
		if e.Column > 0 {
			loc += ":" + strconv.Itoa(e.Column)
		}
	}
	return loc + ": " + e.Msg
}

func errorf(file string, line, col int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// MaxFileBytes bounds what Parse reads, also inside a ZIP (a bomb stops
// here). The whole ECB history since 1999 is about 2 MB of CSV.
const MaxFileBytes = 64 << 20

// Parse reads a rates file of any of the ECB's forms, told apart by their
// content: eurofxref-hist.csv, the same zipped (one CSV member), or the XML
// of eurofxref-daily.xml and eurofxref-hist-90d.xml. name is only used in
// errors. The whole file is checked before anything is returned, so a bad
// file yields an error and no rates.
func Parse(name string, r io.Reader) ([]Rate, error) {
	br := bufio.NewReader(io.LimitReader(r, MaxFileBytes+1))
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")): // a ZIP, or an empty one
		return parseZip(name, br)
	case bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n"), []byte("<")):
		return ParseXML(name, limitErr(name, br))
	default:
		return ParseCSV(name, limitErr(name, br))
	}
}

var bom = []byte("\xef\xbb\xbf")

// limitErr turns reading past MaxFileBytes into an error instead of a
// silently truncated file.
func limitErr(name string, r io.Reader) io.Reader {
	return &capped{name: name, r: r, left: MaxFileBytes}
}

type capped struct {
	name string
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more than allowed proves the file is too large.
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, errorf(c.name, 0, 0, "larger than %d MB", MaxFileBytes>>20)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func parseZip(name string, r io.Reader) ([]Rate, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxFileBytes {
		return nil, errorf(name, 0, 0, "larger than %d MB", MaxFileBytes>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errorf(name, 0, 0, "not a readable ZIP: %v", err)
	}
	var member *zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if member != nil {
			return nil, errorf(name, 0, 0, "a rates ZIP holds one CSV file; this one holds %s and %s", member.Name, f.Name)
		}
		member = f
	}
	if member == nil {
		return nil, errorf(name, 0, 0, "the ZIP holds no file")
	}
	rc, err := member.Open()
	if err != nil {
		return nil, errorf(name+"/"+member.Name, 0, 0, "cannot open: %v", err)
	}
	defer rc.Close()
	inner := name + "/" + member.Name
	rates, err := ParseCSV(inner, limitErr(inner, rc))
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			return nil, fe
		}
		return nil, fmt.Errorf("%s: %w", inner, err)
	}
	return rates, nil
}

// ParseCSV reads eurofxref-hist.csv: a header "Date,USD,JPY,…" (often with
// a trailing empty column), then one line per day; "N/A" or an empty cell
// means no rate that day.
func ParseCSV(name string, r io.Reader) ([]Rate, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errorf(name, 1, 1, "empty file: want a header Date,USD,JPY,…")
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if strings.TrimSpace(header[0]) != "Date" {
		return nil, errorf(name, 1, 1, "header starts with %q: want Date,USD,JPY,… (eurofxref-hist.csv)", header[0])
	}
	currencies := make([]string, len(header))
	width := len(header)
	for i := 1; i < len(header); i++ {
		code := strings.TrimSpace(header[i])
		if code == "" && i == len(header)-1 {
			width = i // the ECB's trailing comma
			break
		}
		line, col := cr.FieldPos(i)
		if !isCode(code) {
			return nil, errorf(name, line, col, "column %d is %q: want a three-letter currency code", i+1, header[i])
		}
		for j := 1; j < i; j++ {
			if currencies[j] == code {
				return nil, errorf(name, line, col, "currency %s appears twice in the header", code)
			}
		}
		currencies[i] = code
	}
	if width < 2 {
		return nil, errorf(name, 1, 1, "the header names no currency")
	}
	var out []Rate
	seen := map[time.Time]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		n := len(rec)
		if n == width+1 && strings.TrimSpace(rec[width]) == "" {
			n = width
		}
		if n != width {
			_, col := cr.FieldPos(len(rec) - 1)
			return nil, errorf(name, line, col, "%d cells: the header has %d", n, width)
		}
		day, err := time.Parse("2006-01-02", strings.TrimSpace(rec[0]))
		if err != nil {
			return nil, errorf(name, line, 1, "date %q: want YYYY-MM-DD", rec[0])
		}
		if prev, dup := seen[day]; dup {
			return nil, errorf(name, line, 1, "date %s appears again (first on line %d)", rec[0], prev)
		}
		seen[day] = line
		for i := 1; i < width; i++ {
			cell := strings.TrimSpace(rec[i])
			if cell == "" || cell == "N/A" {
				continue
			}
			v, err := ParseDecimal(cell)
			if err != nil {
				_, col := cr.FieldPos(i)
				return nil, errorf(name, line, col, "%s on %s: %v", currencies[i], rec[0], err)
			}
			out = append(out, Rate{Day: day, Currency: currencies[i], Value: v})
		}
	}
	if len(seen) == 0 {
		return nil, errorf(name, 2, 1, "no rates: the file has a header and no day")
	}
	return out, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return errorf(name, pe.Line, pe.Column, "%v", pe.Err)
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return fmt.Errorf("%s: %w", name, err)
}

// isCode reports whether s looks like an ISO 4217 code. Codes affsync has
// no exponent for (the ECB's old CYP, SIT…) are kept: only the currencies
// of a conversion need one.
func isCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// ParseXML reads the ECB's XML (eurofxref-daily.xml, eurofxref-hist-90d.xml,
// eurofxref-hist.xml): Cube elements with a time attribute hold Cube
// elements with currency and rate attributes.
func ParseXML(name string, r io.Reader) ([]Rate, error) {
	dec := xml.NewDecoder(r)
	var out []Rate
	var day time.Time
	var dayLine, dayDepth int
	seen := map[time.Time]int{}
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var fe *Error
			if errors.As(err, &fe) {
				return nil, fe
			}
			line, col := dec.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, errorf(name, se.Line, 0, "not well-formed XML: %s", se.Msg)
			}
			return nil, errorf(name, line, col, "not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.EndElement:
			if depth == dayDepth {
				day, dayDepth = time.Time{}, 0 // a day's Cube ended
			}
			depth--
		case xml.StartElement:
			depth++
			if depth > 16 {
				line, col := dec.InputPos()
				return nil, errorf(name, line, col, "XML nested deeper than an ECB file")
			}
			if el.Name.Local != "Cube" {
				continue
			}
			line, col := dec.InputPos() // the end of the element: it names the element's line
			attr := func(k string) (string, bool) {
				for _, a := range el.Attr {
					if a.Name.Local == k {
						return strings.TrimSpace(a.Value), true
					}
				}
				return "", false
			}
			if t, ok := attr("time"); ok {
				d, err := time.Parse("2006-01-02", t)
				if err != nil {
					return nil, errorf(name, line, col, "Cube time=%q: want YYYY-MM-DD", t)
				}
				if prev, dup := seen[d]; dup {
					return nil, errorf(name, line, col, "Cube time=%q appears again (first on line %d)", t, prev)
				}
				seen[d] = line
				day, dayLine, dayDepth = d, line, depth
				continue
			}
			cur, hasCur := attr("currency")
			rate, hasRate := attr("rate")
			switch {
			case !hasCur && !hasRate:
				continue // the outer Cube
			case !hasCur || !hasRate:
				return nil, errorf(name, line, col, "a Cube needs both currency and rate attributes")
			case day.IsZero():
				return nil, errorf(name, line, col, "Cube currency=%q outside a Cube time=\"…\"", cur)
			case !isCode(cur):
				return nil, errorf(name, line, col, "currency %q: want a three-letter code", cur)
			}
			v, err := ParseDecimal(rate)
			if err != nil {
				return nil, errorf(name, line, col, "%s on %s: %v", cur, day.Format("2006-01-02"), err)
			}
			for i := len(out) - 1; i >= 0 && out[i].Day.Equal(day); i-- {
				if out[i].Currency == cur {
					return nil, errorf(name, line, col, "%s appears twice on %s (day from line %d)", cur, day.Format("2006-01-02"), dayLine)
				}
			}
			out = append(out, Rate{Day: day, Currency: cur, Value: v})
		}
	}
	if len(seen) == 0 {
		return nil, errorf(name, 1, 1, "no rates: no Cube time=\"…\" element (is this an ECB eurofxref file?)")
	}
	return out, nil
}
