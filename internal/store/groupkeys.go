package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// groupPages pages an aggregate (revenues, clicks) by its group key: the
// grouped columns in the order asked, then the columns that split a group
// further (a revenue's currency and kind). A page is the groups whose key
// sorts after the cursor's, in key order.
//
// Why this never skips or repeats a group while imports run: a group is
// named by its key values, which a write never changes (it changes a
// group's sums, or adds and removes groups). Each page starts strictly
// after the last key the previous page answered, so a key is answered at
// most once, and every key that exists when its turn comes is answered. A
// group that appears behind the cursor meanwhile belongs to pages already
// read, as a row inserted into a list already read would.
type groupPages struct {
	list string   // names the list in its cursors: "rev", "clk"
	cols []string // the key, outermost first
}

// cursor points after the group whose key has these values (one per column).
func (g groupPages) cursor(values []string) string {
	raw, _ := json.Marshal(values) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString([]byte(g.list + ":" + strings.Join(g.cols, ",") + ":" + string(raw)))
}

// after is the WHERE condition of the groups after cursor c ("" without
// one), its values bound in args. A row comparison, so that both engines
// read an index on the key from the cursor on instead of filtering every
// row of the workspace.
func (g groupPages) after(c string, args *sqlArgs) (string, error) {
	if c == "" {
		return "", nil
	}
	if len(g.cols) == 0 {
		return "", fmt.Errorf("%w: an ungrouped total is one page", ErrBadCursor)
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", ErrBadCursor
	}
	rest, ok := strings.CutPrefix(string(raw), g.list+":"+strings.Join(g.cols, ",")+":")
	if !ok {
		return "", fmt.Errorf("%w: it belongs to another list or grouping", ErrBadCursor)
	}
	var values []string
	if err := json.Unmarshal([]byte(rest), &values); err != nil || len(values) != len(g.cols) {
		return "", ErrBadCursor
	}
	marks := make([]string, len(values))
	for i, v := range values {
		marks[i] = args.bind(v)
	}
	return "(" + strings.Join(g.cols, ", ") + ") > (" + strings.Join(marks, ", ") + ")", nil
}

// page cuts rows read with LIMIT n+1 to n and answers the cursor of the
// next page ("" after the last); key gives a row's key values.
func pageOf[T any](g groupPages, rows []T, n int, key func(T) []string) ([]T, string) {
	if len(rows) <= n {
		return rows, ""
	}
	return rows[:n], g.cursor(key(rows[n-1]))
}
