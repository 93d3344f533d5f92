package cellsafe

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"user-42", "user-42"},
		{"0.00", "0.00"},
		{"-1.20", "-1.20"}, // a negative amount is a number
		{"-3", "-3"},
		{"-0.5", "-0.5"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+1", "'+1"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"}, // a number first does not make it safe
		{"-2e3", "'-2e3"},
		{"-1.", "'-1."},
		{"-.5", "'-.5"},
		{"-", "'-"},
		{"-1,20", "'-1,20"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJoin(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"k3J9x"}, "k3J9x"}, {[]string{"minted", "user-42"}, "minted;user-42"}} {
		if got := Join(tc.in); got != tc.want {
			t.Errorf("Join(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
