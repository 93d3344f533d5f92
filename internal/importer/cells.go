package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/affsync/affsync/internal/reportfile"
)

// needColumns refuses a table whose header lacks a column it needs; each
// entry of need is a set of alternatives ("month|period_start").
func needColumns(t *reportfile.Table, what string, need ...string) error {
	have := map[string]bool{}
	for _, c := range t.Columns {
		have[c] = true
	}
	var missing []string
	for _, alts := range need {
		found := false
		for _, c := range strings.Split(alts, "|") {
			found = found || have[c]
		}
		if !found {
			missing = append(missing, strings.ReplaceAll(alts, "|", " or "))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &reportfile.Error{File: t.Name, Line: t.HeaderLine, Column: 1, Msg: fmt.Sprintf("wrong columns: %s needs %s; the header has %s",
		what, strings.Join(missing, ", "), strings.Join(t.Columns, ", "))}
}

// eachRow hands every row of a table to read, counting the rows read and,
// at the end, those the reader skipped (totals, blank lines).
func eachRow(t *reportfile.Table, run *fileRun, read func(reportfile.Row) error) error {
	for {
		row, err := t.Next()
		if errors.Is(err, io.EOF) {
			run.sum.SkippedRows += t.Skipped()
			return nil
		}
		if err != nil {
			return err
		}
		run.sum.Rows++
		if err := read(row); err != nil {
			return err
		}
	}
}
