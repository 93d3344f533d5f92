package money

import (
	"errors"
	"testing"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		hint DecimalHint
		want int64
		err  error
	}{
		{"7.51", HintNone, 751, nil},
		{"4", HintNone, 400, nil},
		{"7,5", HintNone, 750, nil},
		{"7.51%", HintNone, 751, nil},
		{" 7.51 % ", HintNone, 751, nil},
		{"0.00", HintNone, 0, nil},
		{"100", HintNone, 10000, nil},
		{"7.505", HintNone, 751, nil},
		{"7.5049", HintNone, 750, nil},
		{"-1.005", HintNone, -101, nil},
		{"1.234", HintNone, 123, nil},
		{"1,234", HintComma, 123, nil},
		{"1,234.5", HintNone, 123450, nil},
		{"", HintNone, 0, ErrSyntax},
		{"%", HintNone, 0, ErrSyntax},
		{"seven", HintNone, 0, ErrSyntax},
		{"1.0000001", HintNone, 0, ErrPrecision},
	}
	for _, tc := range tests {
		got, err := ParseRate(tc.in, tc.hint)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ParseRate(%q) = %d, %v; want error %v", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for in, want := range map[int64]string{751: "7.51", 400: "4.00", 5: "0.05", -101: "-1.01"} {
		if got := FormatRate(in); got != want {
			t.Errorf("FormatRate(%d) = %q, want %q", in, got, want)
		}
	}
}
