package reportfile

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"time"
)

// maxXMLBuffer bounds the attribute bytes an XML report may hold in memory.
// Categories are numeric ids resolved through <ProductLine_array>, which
// comes after the items, so items are buffered until the document ends; a
// report too big for that is refused with a pointer to its TSV twin (the
// DataFeed makes both, and the TSV one is preferred anyway).
const maxXMLBuffer = 256 << 20

// readXML reads the XML DataFeed flavour: <Data><Items><Item …/>…</Items>,
// with <ItemsNoOrders> (clicked, never ordered: counted as skipped) and the
// totals blocks ignored. The decoder is strict; a DOCTYPE is refused, so no
// entity but XML's five is ever expanded.
func readXML(name string, r io.Reader, lim config, fn func(*Table) error) error {
	guard := &tokenGuard{r: r, max: int64(lim.MaxLineBytes) + 64<<10, name: name}
	dec := xml.NewDecoder(guard)
	dec.Strict = true
	reports := lim.reports
	raw, subtags, day := reports.FromName(name)
	t := &Table{Name: name, Kind: KindReport, Format: "xml", RawType: raw, Subtags: subtags, Report: reports.Type(raw)}
	if !day.IsZero() {
		t.Coverage = [2]time.Time{day, day}
	}
	type item struct {
		line, col int
		fields    []string
	}
	var (
		items      []item
		buffered   int
		names      []string // attribute names in first-seen order: the header
		nameIndex  = map[string]int{}
		categories = map[string]string{}
		stack      []string
		text       strings.Builder
		plID       string
		plName     string
	)
	for {
		line, col := dec.InputPos()
		guard.n = 0
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &Error{File: name, Line: se.Line, Msg: "invalid XML: " + se.Msg, Err: err}
			}
			return locate(err, name, line)
		}
		switch x := tok.(type) {
		case xml.Directive:
			return errorf(name, line, col, "XML with a DOCTYPE or entity declarations is refused")
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			if len(stack) > lim.MaxXMLDepth {
				return errorf(name, line, col, "XML nested deeper than the limit of %d elements", lim.MaxXMLDepth)
			}
			if len(stack) == 1 && x.Name.Local != "Data" {
				return errorf(name, line, col, "not an Amazon XML report: the root element is <%s>, not <Data>", x.Name.Local)
			}
			if x.Name.Local != "Item" || len(stack) != 3 {
				text.Reset()
				continue
			}
			switch stack[1] {
			case "ItemsNoOrders":
				t.skipped++
			case "Items":
				fields := make([]string, len(names), len(names)+len(x.Attr))
				for _, a := range x.Attr {
					i, ok := nameIndex[a.Name.Local]
					if !ok {
						i = len(names)
						nameIndex[a.Name.Local] = i
						names = append(names, a.Name.Local)
					}
					for len(fields) <= i {
						fields = append(fields, "")
					}
					fields[i] = a.Value
					buffered += len(a.Value) + 16
				}
				if buffered > maxXMLBuffer {
					return errorf(name, line, col, "XML report too large to hold (more than %s of items): import its TSV version", byteSize(maxXMLBuffer))
				}
				items = append(items, item{line: line, col: col, fields: fields})
			}
		case xml.CharData:
			if text.Len() < 1024 {
				text.Write(x)
			}
		case xml.EndElement:
			switch x.Name.Local {
			case "GLProductGroupID":
				plID = strings.TrimSpace(text.String())
			case "ProductGroupName":
				plName = strings.TrimSpace(text.String())
			case "ProductLine":
				if plID != "" {
					categories[plID] = plName
				}
				plID, plName = "", ""
			}
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	h := parseHeader(names, reports)
	finishHeader(t, h, KindReport, reports)
	catCol, hasCat := h.index["category"]
	i := 0
	t.Next = func() (Row, error) {
		if i >= len(items) {
			return Row{}, io.EOF
		}
		it := items[i]
		items[i] = item{} // let the garbage collector have what was read
		i++
		if hasCat && catCol < len(it.fields) {
			if n := categories[strings.TrimSpace(it.fields[catCol])]; n != "" {
				it.fields[catCol] = n
			}
		}
		row := h.row(it.line, it.fields)
		row.column = it.col
		return row, nil
	}
	return fn(t)
}

// tokenGuard bounds how many bytes the XML decoder may read for one token,
// so a giant text node or attribute cannot grow memory without end.
type tokenGuard struct {
	r    io.Reader
	n    int64
	max  int64
	name string
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.n > g.max {
		return 0, errorf(g.name, 0, 0, "an XML element or text longer than the %d-byte limit", g.max)
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}
