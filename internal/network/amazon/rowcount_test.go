package amazon

import (
	"math/rand/v2"
	"testing"
)

// TestRowCounterMatchesOneMap numbers equal bases as one map of every base
// would, in memory and after the counts moved to the file (and the file's
// table grew twice): repeats near and far, hash 0 and 1 (one slot), and
// tables small enough to probe across block ends.
func TestRowCounterMatchesOneMap(t *testing.T) {
	cases := []struct {
		name    string
		memRows int
		rows    int
		bases   int
	}{
		{"in memory", 1 << 20, 5000, 900},
		{"moves to disk", 100, 5000, 3000},
		{"grows on disk", 10, 20000, 15000},
		{"all distinct", 10, 3000, 1 << 30},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(c.rows)))
			counter := newRowCounter(c.memRows)
			defer counter.Close()
			want := map[uint64]uint32{}
			for i := range c.rows {
				h := r.Uint64N(uint64(c.bases)) * 0x9E3779B97F4A7C15 // spread over all slots
				if h == 0 {
					h = 1 // 0 and 1 share a slot on disk: counted as one base
				}
				want[h]++
				got, err := counter.next(h)
				if err != nil {
					t.Fatal(err)
				}
				if got != want[h] {
					t.Fatalf("row %d: #%d, want #%d", i, got, want[h])
				}
			}
			if c.memRows < c.rows && counter.disk == nil {
				t.Fatal("the counts never moved to the file: the case checks nothing")
			}
		})
	}
}
