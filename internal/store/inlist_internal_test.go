package store

import (
	"reflect"
	"strings"
	"testing"
)

// TestListConditions: on PostgreSQL a list is one array parameter whatever
// its length; on SQLite one "?" per value, bound after the others.
func TestListConditions(t *testing.T) {
	many := make([]string, 2500)
	for i := range many {
		many[i] = "g" + strings.Repeat("x", i%7)
	}
	cases := []struct {
		name     string
		d        Dialect
		cond     func(*sqlArgs) string
		want     string
		wantArgs sqlArgs
	}{
		{"postgres text", Postgres, func(a *sqlArgs) string { return inList(Postgres, a, "f.group_key", many) },
			"f.group_key = ANY($2::text[])", sqlArgs{"conn", many}},
		{"postgres ids", Postgres, func(a *sqlArgs) string { return inList(Postgres, a, "id", []int64{7, 8}) },
			"id = ANY($2::int8[])", sqlArgs{"conn", []int64{7, 8}}},
		{"postgres not in", Postgres, func(a *sqlArgs) string { return notInList(Postgres, a, "file_id", []int64{3}) },
			"file_id <> ALL($2::int8[])", sqlArgs{"conn", []int64{3}}},
		{"postgres nil is an empty array, not NULL", Postgres, func(a *sqlArgs) string { return notInList[int64](Postgres, a, "file_id", nil) },
			"file_id <> ALL($2::int8[])", sqlArgs{"conn", []int64{}}},
		{"postgres two lists", Postgres, func(a *sqlArgs) string {
			return notInList(Postgres, a, "file_id", []int64{3}) + " AND " + inList(Postgres, a, "group_key", []string{"a", "b"})
		}, "file_id <> ALL($2::int8[]) AND group_key = ANY($3::text[])", sqlArgs{"conn", []int64{3}, []string{"a", "b"}}},
		{"sqlite", SQLite, func(a *sqlArgs) string { return inList(SQLite, a, "group_key", []string{"a", "b", "c"}) },
			"group_key IN (?, ?, ?)", sqlArgs{"conn", "a", "b", "c"}},
		{"sqlite not in", SQLite, func(a *sqlArgs) string { return notInList(SQLite, a, "file_id", []int64{3, 4}) },
			"file_id NOT IN (?, ?)", sqlArgs{"conn", int64(3), int64(4)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := sqlArgs{"conn"}
			if got := c.cond(&args); got != c.want {
				t.Errorf("condition %q, want %q", got, c.want)
			}
			if !reflect.DeepEqual(args, c.wantArgs) {
				t.Errorf("args %d (%v…), want %d", len(args), args[:min(len(args), 3)], len(c.wantArgs))
			}
		})
	}
	args := sqlArgs{"conn"}
	cond := inList(SQLite, &args, "group_key", many)
	if n := strings.Count(cond, "?"); n != len(many) || len(args) != 1+len(many) {
		t.Errorf("sqlite: %d placeholders and %d args for %d values", n, len(args), len(many))
	}
}

// TestListChunks: SQLite's lists stay under its parameter limit; on
// PostgreSQL a list of thousands is one chunk.
func TestListChunks(t *testing.T) {
	values := make([]int64, 2500)
	for _, c := range []struct {
		d    Dialect
		want []int
	}{{SQLite, []int{900, 900, 700}}, {Postgres, []int{2500}}} {
		var got []int
		for chunk := range listChunks(c.d, values) {
			got = append(got, len(chunk))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: chunks of %v, want %v", c.d, got, c.want)
		}
	}
}
