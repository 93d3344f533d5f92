package transport

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// maxListing bounds the DataFeed's listReports page.
const maxListing = 64 << 20

// parseListing reads the DataFeed's listReports page (FORMATS §5): a table
// whose header row names the columns, one row per file. Columns are found
// by name (Filename, Last Modified, MD5, Size), never by position.
func parseListing(r io.Reader) ([]ReportFile, error) {
	rows, err := tableRows(io.LimitReader(r, maxListing))
	if err != nil {
		return nil, fmt.Errorf("listReports page: %w", err)
	}
	header := -1
	col := map[string]int{}
	for i, row := range rows {
		for j, cell := range row {
			col[strings.ToLower(cell)] = j
		}
		if _, ok := col["filename"]; ok {
			header = i
			break
		}
		clear(col)
	}
	if header < 0 {
		return nil, errors.New("listReports page: no table with a Filename column")
	}
	for _, name := range []string{"last modified", "md5", "size"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("listReports page: no %q column", name)
		}
	}
	files := []ReportFile{}
	for i, row := range rows[header+1:] {
		cell := func(name string) string {
			if j := col[name]; j < len(row) {
				return row[j]
			}
			return ""
		}
		if len(row) == 0 || strings.Join(row, "") == "" {
			continue
		}
		size, err := strconv.ParseInt(cell("size"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("listReports page, row %d (%s): size %q is not a number", i+1, cell("filename"), cell("size"))
		}
		f, err := checkListed(cell("filename"), strings.Trim(cell("md5"), `"`), size, cell("last modified"), parseDataFeedTime)
		if err != nil {
			return nil, fmt.Errorf("listReports page, row %d: %w", i+1, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// tableRows collects the text of every cell (th or td) row by row; tags
// inside a cell (the download link) leave their text.
func tableRows(r io.Reader) ([][]string, error) {
	z := html.NewTokenizer(r)
	var rows [][]string
	var row []string
	var cell *strings.Builder
	endCell := func() {
		if cell != nil {
			row = append(row, strings.Join(strings.Fields(cell.String()), " "))
			cell = nil
		}
	}
	endRow := func() {
		endCell()
		if row != nil {
			rows = append(rows, row)
			row = nil
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				endRow()
				return rows, nil
			}
			return nil, z.Err()
		case html.StartTagToken:
			switch name, _ := z.TagName(); string(name) {
			case "tr":
				endRow()
				row = []string{}
			case "td", "th":
				endCell() // an unclosed cell ends where the next begins
				cell = &strings.Builder{}
			}
		case html.EndTagToken:
			switch name, _ := z.TagName(); string(name) {
			case "td", "th":
				endCell()
			case "tr", "table":
				endRow()
			}
		case html.TextToken:
			if cell != nil {
				cell.Write(z.Text()) // entities are already unescaped
			}
		}
	}
}

// parseDataFeedTime reads the listing's time: Thu Jun 07 14:42:40 GMT 2012
// as seen, or the same spelled with UTC. Other zone names are refused rather
// than guessed.
func parseDataFeedTime(s string) (time.Time, error) {
	var first error
	for _, layout := range [...]string{"Mon Jan 02 15:04:05 GMT 2006", "Mon Jan 02 15:04:05 UTC 2006"} {
		t, err := time.Parse(layout, s)
		if err == nil {
			return t.UTC(), nil
		}
		if first == nil {
			first = err
		}
	}
	return time.Time{}, first
}
