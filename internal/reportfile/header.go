package reportfile

import (
	"strings"
	"time"
)

// headerWindow is how many lines (XLSX rows) from the top may hold the
// header: a network need not document what comes before it (SPEC §3.5).
const headerWindow = 10

// delimiters are the separators a text report may use. The header line
// alone decides which: a title line is free text and may hold any of them.
var delimiters = []byte{'\t', ',', ';'}

// headerGuess is one line read as a header.
type headerGuess struct {
	h     *header
	kind  Kind
	delim byte
}

// guessHeader reads a line as a header under each delimiter and keeps the
// reading that names the most known columns (tab first on a tie).
func guessHeader(text string, reports Reports) headerGuess {
	var best headerGuess
	for _, d := range delimiters {
		fields, _, err := splitFields(text, d)
		if err != nil {
			continue // an open quote: not a header under this delimiter
		}
		if h, kind := detectHeader(fields, reports); best.h == nil || h.known > best.h.known {
			best = headerGuess{h: h, kind: kind, delim: d}
		}
	}
	if best.h == nil { // open quotes under every delimiter: text, no header
		best.h, best.kind = detectHeader([]string{text}, reports)
		best.delim = '\t'
	}
	return best
}

// pickHeader is the index of the header among rows already read as
// headers: the one that names the most known columns, at least two, the
// first on a tie. Taking the most rather than the first with two keeps a
// title that happens to hold two column names ("Earnings, Date Shipped")
// from standing in for the real header below it. -1 when none qualifies.
func pickHeader(known []int) int {
	best := -1
	for i, k := range known {
		if k >= 2 && (best < 0 || k > known[best]) {
			best = i
		}
	}
	return best
}

// cleanTitle is a preamble line as a person reads it: without the
// separators a spreadsheet pads a one-cell row with, without the quotes a
// CSV writer puts around a cell holding commas, and with tabs (cells of a
// TSV title) as spaces.
func cleanTitle(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), "\t,; ")
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.TrimSpace(strings.ReplaceAll(s, "\t", " "))
}

// setTitle records the lines before the header and what they say: the
// report type and the days covered, from the first line that states each.
func setTitle(t *Table, lines []string, reports Reports) {
	var kept []string
	typed, dated := false, false
	for _, l := range lines {
		if l = cleanTitle(l); l == "" {
			continue
		}
		kept = append(kept, l)
		if !typed && t.RawType == "" {
			if raw, subtags := reports.FromTitle(l); raw != "" {
				t.RawType, t.Report, typed = raw, reports.Type(raw), true
				t.Subtags = t.Subtags || subtags
			}
		}
		if from, to, ok := titleCoverage(l); ok && !dated {
			t.Coverage, dated = [2]time.Time{from, to}, true
		}
	}
	t.Title = strings.Join(kept, " | ")
}
