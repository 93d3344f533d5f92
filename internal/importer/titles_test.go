package importer_test

import (
	"path/filepath"
	"testing"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestTitleVariantsSameTransactions: each file of ingest's testdata/titles
// holds the same earnings rows behind another preamble (a title with
// commas, quotes, semicolons or tabs, dates in words, dashes or ISO, no
// title, two lines, a blank line, a CSV); imported into a connection of its
// own, each gives the store the same transactions and revenues.
func TestTitleVariantsSameTransactions(t *testing.T) {
	variants, err := filepath.Glob(filepath.Join("..", "reportfile", "testdata", "titles", "*", "*"))
	if err != nil || len(variants) < 10 {
		t.Fatalf("title fixtures: %v %v", variants, err)
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		var want, wantFrom string
		for _, path := range variants {
			variant := filepath.Base(filepath.Dir(path))
			e := newEnv(t, s, "titles-"+variant)
			sum := e.importAll(t, importer.LocalFile(path))
			if sum.Files != 1 || sum.Rows != 4 || len(sum.Errors) != 0 {
				t.Fatalf("%s: %+v", variant, sum)
			}
			got := e.dump(t)
			if want == "" {
				want, wantFrom = got, variant
				if want == "" {
					t.Fatalf("%s: no transactions", variant)
				}
				continue
			}
			if got != want {
				t.Errorf("%s differs from %s:\n%s\nwant\n%s", variant, wantFrom, got, want)
			}
		}
	})
}
