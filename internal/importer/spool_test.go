package importer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestSpoolStoresWhatReadBackStores imports the same files twice, each time
// into a fresh connection: once as production does (a file alone on its
// days, or replacing whole the file it re-issues, is projected out of its
// spool; sums read a file's own facts when it alone counts), once
// projecting every group from the store and summing through the
// chosen-file join. Stores and summaries must be the same. The inputs are
// the outside fixtures and the days of importer_test in both orders, in
// both modes, and re-issues of them: new groups, groups that span files,
// returns that find their sale, groups a re-issue drops.
func TestSpoolStoresWhatReadBackStores(t *testing.T) {
	type input struct {
		name, mode  string
		marketplace string
		dir         string // an outside fixture, whose connection.json may say how to connect
		today       time.Time
		files       []importer.File
	}
	var inputs []input
	oct20 := time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC)
	for _, mode := range []string{"subtags", "orders"} {
		forward := days()
		backward := slices.Clone(forward)
		slices.Reverse(backward)
		inputs = append(inputs, input{name: "days-" + mode, mode: mode, today: oct20, files: forward},
			input{name: "days-backward-" + mode, mode: mode, today: oct20, files: backward})
		// Re-issues: of a day whole (u3 dropped, u9 new, u1's return in a
		// group that spans files), of that re-issue (u3 back, u9 changed),
		// and of a two-day file by one of its days only, so that the file
		// re-issued still counts for the other.
		reissues := append(days(),
			earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", -1, "-29.99", "-1.20"), line("2026-10-02", "B5", "u9", 1, "10.00", "0.40")),
			earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", -1, "-29.99", "-1.20"), line("2026-10-02", "B5", "u9", 2, "20.00", "0.80"),
				line("2026-10-02", "B4", "u3", 1, "29.99", "1.20")),
			earningsFile("2026-10-05", line("2026-10-05", "B6", "u5", 1, "29.99", "1.20"), line("2026-10-06", "B7", "u6", 1, "29.99", "1.20"),
				line("2026-10-05", "B3", "", 1, "29.99", "1.20")),
			earningsFile("2026-10-05", line("2026-10-05", "B6", "u5", 3, "89.97", "3.60")))
		inputs = append(inputs, input{name: "reissues-" + mode, mode: mode, today: oct20, files: reissues})
	}
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "outside", "*", "truth.json"))
	if err != nil || len(dirs) < 4 {
		t.Fatalf("outside fixtures: %v %v", dirs, err)
	}
	for _, truthPath := range dirs {
		dir := filepath.Dir(truthPath)
		raw, err := os.ReadFile(truthPath)
		if err != nil {
			t.Fatal(err)
		}
		var want truth
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		today, _ := time.Parse("2006-01-02", want.Today)
		paths, _ := filepath.Glob(filepath.Join(dir, "*"))
		sort.Strings(paths)
		var files []importer.File
		for _, p := range paths {
			if b := filepath.Base(p); b != "truth.json" && b != "connection.json" {
				files = append(files, importer.LocalFile(p))
			}
		}
		inputs = append(inputs, input{name: filepath.Base(dir), mode: "subtags", marketplace: want.Marketplace, dir: dir,
			today: today.Add(12 * time.Hour), files: files})
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, in := range inputs {
			t.Run(in.name, func(t *testing.T) {
				var dumps [2]string
				var sums [2]importer.Summary
				for i, readBack := range []bool{false, true} {
					e := newEnv(t, s, in.name+map[bool]string{false: "-spool", true: "-readback"}[readBack])
					// The importer reads the connection it is given.
					e.conn.Settings["mode"] = in.mode
					if in.marketplace != "" {
						e.conn.Settings["marketplace"] = in.marketplace
					}
					if in.dir != "" {
						if c, ok := outsideConnection(t, s, e.ws.ID, in.dir); ok {
							e.conn = c
						}
					}
					e.im.Now = func() time.Time { return in.today }
					if readBack {
						importer.ReadBackForTest(e.im)
					}
					sums[i] = e.importAll(t, in.files...)
					dumps[i] = e.dump(t)
				}
				if dumps[0] != dumps[1] {
					t.Errorf("stores differ\nspool:\n%s\nread back:\n%s", dumps[0], dumps[1])
				}
				if sums[0].Transactions != sums[1].Transactions {
					t.Errorf("counts: spool %+v, read back %+v", sums[0].Transactions, sums[1].Transactions)
				}
				if sums[0].Transactions.Created == 0 {
					t.Error("nothing was created: the case checks nothing")
				}
			})
		}
	})
}
