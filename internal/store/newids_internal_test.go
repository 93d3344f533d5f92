package store

import (
	"fmt"
	"testing"
)

// TestIDFilter: every id added is answered "maybe", across the filter's
// growth; of ids never added, few are (each costs only a lookup).
func TestIDFilter(t *testing.T) {
	var f idFilter
	if f.mayHave("tx_a") {
		t.Fatal("an empty filter has an id")
	}
	const n = 100_000
	for i := range n {
		f.add(fmt.Sprintf("tx_in_%d", i))
	}
	if len(f.parts) < 2 {
		t.Fatalf("%d ids in %d filter, want it grown", n, len(f.parts))
	}
	for i := range n {
		if !f.mayHave(fmt.Sprintf("tx_in_%d", i)) {
			t.Fatalf("id %d added, not found", i)
		}
	}
	wrong := 0
	for i := range n {
		if f.mayHave(fmt.Sprintf("tx_out_%d", i)) {
			wrong++
		}
	}
	t.Logf("%d of %d ids never added answered maybe", wrong, n)
	// About 0.1% expected of each filter, five filters here.
	if wrong > n/50 {
		t.Fatalf("%d of %d ids never added answered maybe", wrong, n)
	}
}
