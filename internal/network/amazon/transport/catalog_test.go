package transport

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/network/amazon/sim"
)

// soldASIN reads an ASIN from the account's first Orders file, so the
// test asks the catalog about a product the account really sold.
func soldASIN(t *testing.T, s *sim.Server) string {
	t.Helper()
	for _, f := range s.Files() {
		if !strings.Contains(f.Name, "-orders-report-") || !strings.HasSuffix(f.Name, ".tsv.gz") {
			continue
		}
		body, _ := s.File(f.Name)
		z, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		text, err := io.ReadAll(z)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(text), "\n")
		if len(lines) < 3 || lines[2] == "" {
			continue
		}
		r := csv.NewReader(strings.NewReader(lines[1] + "\n" + lines[2]))
		r.Comma, r.LazyQuotes = '\t', true
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range rows[0] {
			if h == "ASIN" {
				return rows[1][i]
			}
		}
	}
	t.Fatal("no Orders row with an ASIN")
	return ""
}

func TestGetItems(t *testing.T) {
	f := newFixture(t, sim.Config{}, nil)
	c, _ := f.creators(t, "3.1", nil)
	known := soldASIN(t, f.sim)
	asins := []string{known}
	for i := range 11 {
		asins = append(asins, fmt.Sprintf("B0UNKNOWN%d", i))
	}
	items, err := c.GetItems(ctx, asins)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ASIN != known || items[0].Title == "" || items[0].Category == "" {
		t.Errorf("items %+v: want only %s, with title and category", items, known)
	}
	if n := f.sim.Stats().Catalog; n != 2 {
		t.Errorf("%d getItems calls for 12 ASINs, want 2 (ten per call)", n)
	}
	if items, err := c.GetItems(ctx, nil); err != nil || len(items) != 0 || f.sim.Stats().Catalog != 2 {
		t.Errorf("no ASINs: %v, %v; want no call", items, err)
	}
}
