package ingest

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// maxXMLItems bounds how many items an XML report may hold: categories are
// resolved through <ProductLine_array>, which comes after the items, so the
// items are held until the end of the document.
const maxXMLItems = 500_000

// readXML reads the XML DataFeed flavour: <Data><Items><Item …/>…</Items>
// (and <ItemsNoOrders>), totals blocks ignored, <ProductLine_array> mapping
// numeric categories to names. No DTD and no entities but XML's own.
func readXML(name string, r io.Reader, lim Limits, fn func(*Table) error) error {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	info := infoFromName(name)
	t := &Table{Name: name, Format: "xml", RawType: info.rawType, Subtags: info.subtags, Report: reportOf(info.rawType)}
	if !info.day.IsZero() {
		t.Coverage = [2]time.Time{info.day, info.day}
	}
	type item struct {
		line  int
		attrs []xml.Attr
	}
	var items []item
	categories := map[string]string{}
	var stack []string
	var text strings.Builder
	var plID, plName string
	for {
		line, col := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &Error{File: name, Line: se.Line, Msg: "invalid XML: " + se.Msg, Err: err}
			}
			return readError(name, line, err)
		}
		switch x := tok.(type) {
		case xml.Directive:
			return errorf(name, line, col, "XML with a DOCTYPE or entity declarations is refused")
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			if len(stack) > lim.MaxXMLDepth {
				return errorf(name, line, col, "XML nested deeper than %d elements", lim.MaxXMLDepth)
			}
			if x.Name.Local == "Item" && len(stack) >= 2 && (stack[len(stack)-2] == "Items" || stack[len(stack)-2] == "ItemsNoOrders") {
				if stack[len(stack)-2] == "ItemsNoOrders" {
					continue // clicked, never ordered: no row
				}
				if len(items) >= maxXMLItems {
					return errorf(name, line, col, "more than %d items in one XML report: import the TSV version", maxXMLItems)
				}
				l, _ := dec.InputPos()
				items = append(items, item{line: l, attrs: x.Attr})
			}
			text.Reset()
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
	// One header from the union of attribute names, in first-seen order.
	var names []string
	seen := map[string]bool{}
	for _, it := range items {
		for _, a := range it.attrs {
			if !seen[a.Name.Local] {
				seen[a.Name.Local] = true
				names = append(names, a.Name.Local)
			}
		}
	}
	h := parseHeader(names)
	finishHeader(t, h)
	if t.Report == "" && len(items) == 0 {
		t.Report, t.RawType = model.ReportEarnings, "earnings"
	}
	i := 0
	t.Next = func() (Row, error) {
		if i >= len(items) {
			return Row{}, io.EOF
		}
		it := items[i]
		i++
		fields := make([]string, len(names))
		for _, a := range it.attrs {
			for j, n := range names {
				if n == a.Name.Local {
					fields[j] = a.Value
				}
			}
		}
		row := h.row(it.line, fields)
		if c, ok := row.values["category"]; ok {
			if n, ok := categories[c]; ok && n != "" {
				row.values["category"] = n
			}
		}
		return row, nil
	}
	return fn(t)
}
