package money

import (
	"errors"
	"math"
	"testing"
)

func TestParseMinor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		exp  int
		hint DecimalHint
		want int64
		err  error
	}{
		{"1,234.56", 2, HintNone, 123456, nil},
		{"1.234,56", 2, HintNone, 123456, nil},
		{"-0,60", 2, HintNone, -60, nil},
		{"0,00", 2, HintNone, 0, nil},
		{"0.60", 2, HintNone, 60, nil},
		{"$12.34", 2, HintNone, 1234, nil},
		{"12,34 €", 2, HintNone, 1234, nil},
		{"£1,000", 2, HintDot, 100000, nil},
		{"£1,000", 2, HintNone, 0, ErrAmbiguous},
		{"1.234", 2, HintComma, 123400, nil},
		{"1.234", 2, HintDot, 0, ErrPrecision},
		{"¥1,234", 0, HintDot, 1234, nil},
		{"1234", 0, HintNone, 1234, nil},
		{"Rs. 1,234.50", 2, HintNone, 123450, nil},
		{"€ -3,50", 2, HintNone, -350, nil},
		{"-$1.00", 2, HintNone, -100, nil},
		{"$-1.00", 2, HintNone, -100, nil},
		{"(1.00)", 2, HintNone, -100, nil},
		{"+1.5", 2, HintNone, 150, nil},
		{"1 234,56", 2, HintNone, 123456, nil},
		{"1\u00a0234,56", 2, HintNone, 123456, nil},
		{"1\u202f234,56", 2, HintNone, 123456, nil},
		{"1'234.56", 2, HintNone, 123456, nil},
		{"1,23,456.00", 2, HintNone, 12345600, nil},
		{"1,234,567", 2, HintNone, 123456700, nil},
		{"1.234.567,89", 2, HintNone, 123456789, nil},
		{"  7.99  ", 2, HintNone, 799, nil},
		{"7.990", 2, HintDot, 799, nil},
		{"7.991", 2, HintDot, 0, ErrPrecision},
		{"0,600", 2, HintNone, 60, nil},
		{"1234,567", 3, HintNone, 1234567, nil},
		{".5", 2, HintNone, 50, nil},
		{"12", 2, HintNone, 1200, nil},
		{"", 2, HintNone, 0, ErrSyntax},
		{"abc", 2, HintNone, 0, ErrSyntax},
		{"1,2,3", 2, HintNone, 0, ErrSyntax},
		{"12,34.56,7", 2, HintNone, 0, ErrSyntax},
		{"1.2.3,4", 2, HintNone, 0, ErrSyntax},
		{"--1", 2, HintNone, 0, ErrSyntax},
		{"(1.00", 2, HintNone, 0, ErrSyntax},
		{"1#2", 2, HintNone, 0, ErrSyntax},
		{"92233720368547758.07", 2, HintNone, math.MaxInt64, nil},
		{"92233720368547758.08", 2, HintNone, 0, ErrOverflow},
		{"-92233720368547758.08", 2, HintNone, math.MinInt64, nil},
		{"99999999999999999999", 0, HintNone, 0, ErrOverflow},
	} {
		got, err := ParseMinor(tc.in, tc.exp, tc.hint)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ParseMinor(%q, %d, %d) = %d, %v; want error %v", tc.in, tc.exp, tc.hint, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMinor(%q, %d, %d) = %d, %v; want %d", tc.in, tc.exp, tc.hint, got, err, tc.want)
		}
	}
}

func TestFormatMinor(t *testing.T) {
	for _, tc := range []struct {
		minor int64
		exp   int
		want  string
	}{
		{1234, 2, "12.34"}, {-60, 2, "-0.60"}, {0, 2, "0.00"}, {5, 2, "0.05"}, {1234, 0, "1234"}, {-1, 3, "-0.001"},
		{math.MinInt64, 2, "-92233720368547758.08"}, {math.MaxInt64, 2, "92233720368547758.07"},
	} {
		if got := FormatMinor(tc.minor, tc.exp); got != tc.want {
			t.Errorf("FormatMinor(%d, %d) = %q, want %q", tc.minor, tc.exp, got, tc.want)
		}
	}
	if got := (Amount{Minor: 1234, Currency: "JPY"}).String(); got != "1234 JPY" {
		t.Errorf("Amount.String = %q", got)
	}
}

func TestArithmetic(t *testing.T) {
	if _, err := AddMinor(math.MaxInt64, 1); !errors.Is(err, ErrOverflow) {
		t.Error("AddMinor overflow not caught")
	}
	if _, err := AddMinor(math.MinInt64, -1); !errors.Is(err, ErrOverflow) {
		t.Error("AddMinor underflow not caught")
	}
	if _, err := MulMinor(math.MaxInt64/2+1, 2); !errors.Is(err, ErrOverflow) {
		t.Error("MulMinor overflow not caught")
	}
	if v, err := MulMinor(2999, -3); err != nil || v != -8997 {
		t.Errorf("MulMinor = %d, %v", v, err)
	}
	if v, err := SumMinor(1, 2, -4); err != nil || v != -1 {
		t.Errorf("SumMinor = %d, %v", v, err)
	}
	if c, ok := LookupCurrency("jpy"); !ok || c.Exponent != 0 || c.Code != "JPY" {
		t.Errorf("LookupCurrency(jpy) = %+v %v", c, ok)
	}
	if _, ok := LookupCurrency("XXX"); ok {
		t.Error("unknown currency found")
	}
	if a, err := Parse("12,34", "EUR", HintComma); err != nil || a != (Amount{1234, "EUR"}) {
		t.Errorf("Parse = %+v %v", a, err)
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]int64{"7.51": 751, "4": 400, "7,5": 750, "7.51%": 751, "7.505": 751, "7.5049": 750, "-1.005": -101, "0.00": 0} {
		got, err := ParseRate(in, HintNone)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if FormatRate(751) != "7.51" {
		t.Error("FormatRate")
	}
}

func FuzzParseMinor(f *testing.F) {
	for _, s := range []string{"1,234.56", "1.234,56", "-0,60", "$12.34", "12,34 €", "(1.00)", "1,23,456.00", "1'234.56", "7.990", ""} {
		f.Add(s, 2, 0)
	}
	f.Fuzz(func(t *testing.T, s string, exp int, hint int) {
		exp = ((exp % 4) + 4) % 4
		v, err := ParseMinor(s, exp, DecimalHint(((hint%3)+3)%3))
		if err != nil {
			return
		}
		back, err := ParseMinor(FormatMinor(v, exp), exp, HintDot)
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d, %v", s, v, FormatMinor(v, exp), back, err)
		}
	})
}
