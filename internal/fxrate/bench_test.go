package fxrate

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkConvert: one transaction's two amounts, GBP to USD through EUR,
// in a table the size of the ECB's history since 1999 (about 7,000 days of
// 30 currencies). go test -run '^$' -bench Convert ./internal/fxrate/
func BenchmarkConvert(b *testing.B) {
	var rates []Rate
	codes := []string{"USD", "GBP", "JPY"}
	for i := range 27 {
		codes = append(codes, fmt.Sprintf("X%c%c", 'A'+i/26, 'A'+i%26))
	}
	start := time.Date(1999, 1, 4, 0, 0, 0, 0, time.UTC)
	for d := range 7000 {
		for i, c := range codes {
			rates = append(rates, Rate{Day: start.AddDate(0, 0, d), Currency: c, Value: Decimal{Coef: int64(10000 + i*37 + d%500), Scale: 4}})
		}
	}
	conv := NewConverter(NewTable(rates), "USD")
	day := start.AddDate(0, 0, 6500)
	b.ResetTimer()
	for b.Loop() {
		if _, err := conv.Convert("GBP", day, 2999, 120); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewTable: building the in-memory table after the rates changed.
func BenchmarkNewTable(b *testing.B) {
	var rates []Rate
	start := time.Date(1999, 1, 4, 0, 0, 0, 0, time.UTC)
	for d := range 7000 {
		for i := range 30 {
			rates = append(rates, Rate{Day: start.AddDate(0, 0, d), Currency: fmt.Sprintf("C%02d", i), Value: Decimal{Coef: 10823, Scale: 4}})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		NewTable(rates)
	}
}
