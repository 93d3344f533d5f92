// Package datafeed speaks Amazon's legacy DataFeed: an HTML table of report
// files behind HTTP Digest auth.
package datafeed

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// ReportFile is one listed report file.
type ReportFile struct {
	Name         string
	LastModified time.Time
	MD5          string // lower-case hex, without the quotes the page puts around it
	Size         int64
}

// lastModifiedLayout is how the page writes times: "Thu Jun 07 14:42:40 GMT 2012".
const lastModifiedLayout = "Mon Jan 02 15:04:05 MST 2006"

// ParseListing reads the listReports page: a table whose header names the
// columns (Filename, Last Modified, MD5, Size), one row per file.
func ParseListing(r io.Reader) ([]ReportFile, error) {
	z := html.NewTokenizer(io.LimitReader(r, 32<<20))
	var rows [][]string
	var row []string
	var cell *strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return filesOf(rows)
			}
			return nil, fmt.Errorf("listReports page: %w", z.Err())
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "tr":
				row = nil
			case "td", "th":
				cell = &strings.Builder{}
			}
		case html.TextToken:
			if cell != nil {
				cell.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "td", "th":
				if cell != nil {
					row = append(row, strings.TrimSpace(cell.String()))
					cell = nil
				}
			case "tr":
				rows = append(rows, row)
				row = nil
			}
		}
	}
}

func filesOf(rows [][]string) ([]ReportFile, error) {
	col := map[string]int{}
	var out []ReportFile
	for i, r := range rows {
		if len(col) == 0 {
			for j, h := range r {
				col[strings.ToLower(h)] = j
			}
			if _, ok := col["filename"]; !ok {
				col = map[string]int{}
			}
			continue
		}
		get := func(name string) string {
			if j, ok := col[name]; ok && j < len(r) {
				return r[j]
			}
			return ""
		}
		f := ReportFile{Name: get("filename"), MD5: strings.ToLower(strings.Trim(get("md5"), `"`))}
		if f.Name == "" {
			continue
		}
		var err error
		if f.Size, err = strconv.ParseInt(get("size"), 10, 64); err != nil {
			return nil, fmt.Errorf("listReports row %d (%s): size %q is not a number", i, f.Name, get("size"))
		}
		if f.LastModified, err = time.Parse(lastModifiedLayout, get("last modified")); err != nil {
			return nil, fmt.Errorf("listReports row %d (%s): last modified %q: %w", i, f.Name, get("last modified"), err)
		}
		f.LastModified = f.LastModified.UTC()
		out = append(out, f)
	}
	if len(col) == 0 {
		return nil, errors.New("listReports page: no table with a Filename column")
	}
	return out, nil
}
