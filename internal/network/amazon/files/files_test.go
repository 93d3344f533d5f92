package files

import "testing"

// TestTitleType: the report type a title names when the file name does not.
func TestTitleType(t *testing.T) {
	for _, tc := range []struct {
		title, raw string
		subtags    bool
	}{
		{"Fee-Orders reports from 12-01-2020 to 12-31-2020", "Fee-Orders", false},
		{"Earnings Report (Sub Tags) for store-20", "earnings", true},
		{"Orders report", "orders", false},
		{"Bounties Report, store-20", "bounty", false},
		{"Tracking reports for store-20", "tracking", false},
		{"Amazon Associates, store-20", "", false},
	} {
		raw, subtags := Reports{}.FromTitle(tc.title)
		if raw != tc.raw || subtags != tc.subtags {
			t.Errorf("%q: %q %v, want %q %v", tc.title, raw, subtags, tc.raw, tc.subtags)
		}
	}
}
