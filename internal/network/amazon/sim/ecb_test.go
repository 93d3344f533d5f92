package sim

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
)

// The feed reads as ECB files, has no weekend, and is the same function of
// (seed, day, currency) in each of its files and on each today.
func TestECBFeed(t *testing.T) {
	fetch := func(today time.Time, path string) []fxrate.Rate {
		t.Helper()
		s, err := New(Config{Seed: 7, Days: 20, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		rates, err := fxrate.Parse(path, rec.Body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return rates
	}
	today := time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC) // a Sunday
	byKey := map[string]string{}
	for _, r := range fetch(today, "/eurofxref-hist-90d.xml") {
		if wd := r.Day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Fatalf("a weekend rate: %+v", r)
		}
		byKey[r.Day.Format(time.DateOnly)+r.Currency] = r.Value.String()
	}
	if len(byKey) != 64*len(ecbCurrencies) {
		t.Fatalf("%d rates in 90 days; want 64 working days × %d", len(byKey), len(ecbCurrencies))
	}
	daily := fetch(today, "/eurofxref-daily.xml")
	if len(daily) != len(ecbCurrencies) || daily[0].Day.Format(time.DateOnly) != "2026-10-02" {
		t.Fatalf("daily: %d rates of %v; want Friday's", len(daily), daily[0].Day)
	}
	for _, r := range append(daily, fetch(today.AddDate(0, 0, 3), "/eurofxref-hist.csv")...) {
		if v, ok := byKey[r.Day.Format(time.DateOnly)+r.Currency]; ok && v != r.Value.String() {
			t.Fatalf("%s %s: %s here, %s in the 90-day feed", r.Day.Format(time.DateOnly), r.Currency, r.Value, v)
		}
	}
}
