package store

import (
	"iter"
	"slices"
	"strings"

	"github.com/affsync/affsync/internal/model"
)

// listValue is what a lookup list holds: text keys and ids, or integer ids.
type listValue interface{ string | int64 }

// inList appends values to args and answers the condition that column is one
// of them. On PostgreSQL that is "column = ANY($n::text[])": one array
// parameter, so the statement text is the same whatever the count, pgx
// prepares it once per connection, and the server does not plan a list of
// a thousand parameters per call (on an import that planning cost more
// than running the lookups). SQLite has no arrays: it gets "column IN (?,
// ?, …)", one parameter per value; its "?" are numbered on from the
// highest parameter before them, so a list is bound in the order of the
// text, after every parameter written before it.
func inList[V listValue](d Dialect, args *sqlArgs, column string, values []V) string {
	return listCond(d, args, column, "IN", "= ANY", values)
}

// notInList is inList's negation: "column <> ALL($n::int8[])" on PostgreSQL, which
// answers as NOT IN does.
func notInList[V listValue](d Dialect, args *sqlArgs, column string, values []V) string {
	return listCond(d, args, column, "NOT IN", "<> ALL", values)
}

func listCond[V listValue](d Dialect, args *sqlArgs, column, list, array string, values []V) string {
	if d == SQLite {
		for _, v := range values {
			*args = append(*args, v)
		}
		return column + " " + list + " (" + strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ") + ")"
	}
	if values == nil {
		values = []V{} // pgx would send a nil slice as NULL, which ALL answers NULL for
	}
	cast := "::text[]"
	if _, ok := any(values).([]int64); ok {
		cast = "::int8[]"
	}
	return column + " " + array + "(" + args.bind(values) + cast + ")"
}

// listChunk is how many values one lookup statement takes. SQLite's limit
// of bound parameters is real, and a statement text per list length is
// prepared per transaction: chunks of 900 keep both small. On PostgreSQL
// the list is one parameter whatever its length; the bound only keeps one
// statement's array and answer from growing with a caller's whole input.
func listChunk(d Dialect) int {
	if d == SQLite {
		return 900
	}
	return 1 << 16
}

// listChunks cuts values into the lists one statement takes (listChunk).
func listChunks[V any](d Dialect, values []V) iter.Seq[[]V] {
	return slices.Chunk(values, listChunk(d))
}

// reportNames is a list of report types as the text a lookup list takes.
func reportNames(reports []model.ReportType) []string {
	out := make([]string, len(reports))
	for i, r := range reports {
		out[i] = string(r)
	}
	return out
}
