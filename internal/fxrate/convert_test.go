package fxrate

import (
	"errors"
	"math/big"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func rate(d, cur, v string) Rate {
	x, err := ParseDecimal(v)
	if err != nil {
		panic(err)
	}
	return Rate{Day: day(d), Currency: cur, Value: x}
}

// handTable: Thursday 1 and Friday 2 October 2026 carry every currency;
// Monday 5 October has USD only; 1 September has a USD rate of 2 for ties.
func handTable() *Table {
	return NewTable([]Rate{
		rate("2026-09-01", "USD", "2"),
		rate("2026-10-01", "USD", "1.1000"), rate("2026-10-01", "JPY", "160"), rate("2026-10-01", "GBP", "0.85"),
		rate("2026-10-02", "USD", "1.0823"), rate("2026-10-02", "JPY", "163.45"), rate("2026-10-02", "GBP", "0.86453"),
		rate("2026-10-05", "USD", "1.08"),
	})
}

// Hand-worked: amount × R_T / R_S on minor units, half to even to T's exponent.
func TestConvert(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		day      string
		minor    int64
		want     int64
		rate     string
		rateDate string
		noRate   bool
	}{
		// 1000 JPY (exponent 0) → EUR: 1000 × 100 / 163.45 = 611.8079 cents.
		{"JPY to EUR", "JPY", "EUR", "2026-10-02", 1000, 612, "0.006118078923", "2026-10-02", false},
		// 6.12 EUR → JPY: 612 × 163.45 / 100 = 1000.314 yen.
		{"EUR back to JPY", "EUR", "JPY", "2026-10-02", 612, 1000, "163.4500000", "2026-10-02", false},
		// 10.00 GBP → USD through EUR: 1000 × 1.0823 / 0.86453 = 1251.894 cents.
		{"GBP to USD through EUR", "GBP", "USD", "2026-10-02", 1000, 1252, "1.251894093", "2026-10-02", false},
		// R_USD = 2: 5 cents is 2.5 euro cents, a tie, to the even 2; 7 → 3.5 → 4.
		{"tie to even down", "USD", "EUR", "2026-09-01", 5, 2, "0.5000000000", "2026-09-01", false},
		{"tie to even up", "USD", "EUR", "2026-09-01", 7, 4, "0.5000000000", "2026-09-01", false},
		{"negative tie", "USD", "EUR", "2026-09-01", -5, -2, "0.5000000000", "2026-09-01", false},
		{"a return converts negative", "GBP", "USD", "2026-10-02", -1000, -1252, "1.251894093", "2026-10-02", false},
		// Saturday 3 October has no ECB rate: Friday's.
		{"weekend takes Friday", "USD", "EUR", "2026-10-03", 10823, 10000, "0.9239582371", "2026-10-02", false},
		// Monday has USD but no JPY: the latest date with both is Friday.
		{"date with one side only", "JPY", "USD", "2026-10-05", 16345, 10823, "0.006621596819", "2026-10-02", false},
		{"same currency", "USD", "USD", "2026-10-04", 1234, 1234, "1.000000000", "2026-10-04", false},
		{"before the first rate", "USD", "EUR", "2026-08-31", 100, 0, "", "", true},
		{"JPY before its first rate", "JPY", "USD", "2026-09-15", 100, 0, "", "", true},
		{"currency without rates", "CHF", "EUR", "2026-10-02", 100, 0, "", "", true},
	}
	conv := handTable()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewConverter(conv, tc.to).Convert(tc.from, day(tc.day), tc.minor)
			if tc.noRate {
				var nr *NoRateError
				if !errors.As(err, &nr) || !errors.Is(err, ErrNoRate) || nr.Reason == "" {
					t.Fatalf("Convert = %+v, %v; want a NoRateError with a reason", c, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Minor[0] != tc.want || c.Quote.Rate() != tc.rate || c.Quote.RateDate.Format(time.DateOnly) != tc.rateDate || c.Currency != tc.to {
				t.Errorf("Convert = %d %s at %s of %s; want %d %s at %s of %s", c.Minor[0], c.Currency, c.Quote.Rate(),
					c.Quote.RateDate.Format(time.DateOnly), tc.want, tc.to, tc.rate, tc.rateDate)
			}
		})
	}
}

func TestConvertWithoutReportingCurrency(t *testing.T) {
	_, err := NewConverter(handTable(), "").Convert("USD", day("2026-10-02"), 100)
	if !errors.Is(err, ErrNoRate) {
		t.Fatalf("err = %v; want ErrNoRate", err)
	}
}

func TestSignificant(t *testing.T) {
	tests := []struct {
		num, den int64
		want     string
	}{
		{1, 1, "1.000000000"},
		{2, 3, "0.6666666667"},
		{1, 3000, "0.0003333333333"},
		{123456789012, 1, "123456789000"},
		{99999999995, 10000000000, "10.00000000"}, // 9.9999999995 ties up to the even 10
		{99999999985, 10000000000, "9.999999998"}, // …85 ties down to the even 8
		{5, 1, "5.000000000"},
	}
	for _, tc := range tests {
		if got := significant(big.NewRat(tc.num, tc.den), 10); got != tc.want {
			t.Errorf("significant(%d/%d) = %s; want %s", tc.num, tc.den, got, tc.want)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"1.0823", "1.0823", false},
		{"163.45", "163.45", false},
		{"1.0800", "1.08", false},
		{"0017238.390", "17238.39", false},
		{".5", "0.5", false},
		{"7", "7", false},
		{"", "", true},
		{"0", "", true},
		{"0.000", "", true},
		{"-1.2", "", true},
		{"1,08", "", true},
		{"1.", "", true},
		{"1e5", "", true},
		{"1.2.3", "", true},
		{"N/A", "", true},
		{"1.1234567890123456789", "", true},
	}
	for _, tc := range tests {
		d, err := ParseDecimal(tc.in)
		if tc.bad != (err != nil) || (!tc.bad && d.String() != tc.want) {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %q (bad %v)", tc.in, d, err, tc.want, tc.bad)
		}
	}
}
