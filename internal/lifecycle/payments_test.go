package lifecycle

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPaidMonths(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse("2006-01-02", s); return x }
	ps := []Payment{
		{ID: "late", Reference: "B", PaidOn: d("2027-02-28"), Start: d("2026-11-15"), End: d("2027-01-10")},
		{ID: "early", Reference: "A", PaidOn: d("2026-12-28"), Start: d("2026-10-01"), End: d("2026-11-30")},
		{ID: "tie", Reference: "C", PaidOn: d("2026-12-28"), Start: d("2026-11-01"), End: d("2026-11-30")},
	}
	want := map[string]string{"2026-10": "early", "2026-11": "early", "2026-12": "late", "2027-01": "late"}
	// The same answer whatever order the payments were recorded in.
	for i := range ps {
		got := PaidMonths(append(slices.Clone(ps[i:]), ps[:i]...))
		if !maps.Equal(got, want) {
			t.Fatalf("rotation %d: %v, want %v", i, got, want)
		}
	}
	if got := strings.Join(MonthsCovered(d("2026-12-31"), d("2027-01-01")), " "); got != "2026-12 2027-01" {
		t.Fatalf("months over a new year: %s", got)
	}
	if got := MonthsCovered(d("2026-12-01"), d("2026-11-30")); len(got) != 0 {
		t.Fatalf("an empty period covers %v", got)
	}
}
