package store_test

import (
	"maps"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestProjectedDigests: digests are kept per connection and group, a new
// one replaces the old, a workspace reads only its own, past one list
// chunk too; a write of a group's transactions that is not the
// projection's (UpsertTransactions) drops that group's digest and no other.
func TestProjectedDigests(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "digests")
		other := newFixture(t, s, "digests elsewhere")
		d := func(b byte) model.Digest { return model.Digest{b, 1, 2} }
		read := func(t *testing.T, fx fixture, ws string, groups ...string) map[string]model.Digest {
			t.Helper()
			var got map[string]model.Digest
			if err := s.Write(ctx, func(tx *store.Tx) error {
				var err error
				got, err = tx.ProjectedDigests(ctx, ws, fx.conn.ID, groups)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return got
		}
		set := func(t *testing.T, fx fixture, digests map[string]model.Digest) {
			t.Helper()
			if err := s.Write(ctx, func(tx *store.Tx) error {
				return tx.SetProjectedDigests(ctx, fx.ws.ID, fx.conn.ID, digests)
			}); err != nil {
				t.Fatal(err)
			}
		}
		many := map[string]model.Digest{}
		var manyKeys []string
		for i := range 2500 {
			g := "s:many-" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
			many[g], manyKeys = d(byte(i)), append(manyKeys, g)
		}
		set(t, f, map[string]model.Digest{"s:u1": d(1), "s:u2": d(2)})
		set(t, other, map[string]model.Digest{"s:u1": d(9)})
		set(t, f, map[string]model.Digest{"s:u1": d(3)})
		set(t, f, many)

		if got := read(t, f, f.ws.ID, "s:u1", "s:u2", "s:u3"); !maps.Equal(got, map[string]model.Digest{"s:u1": d(3), "s:u2": d(2)}) {
			t.Errorf("digests: %v", got)
		}
		if got := read(t, other, other.ws.ID, "s:u1", "s:u2"); !maps.Equal(got, map[string]model.Digest{"s:u1": d(9)}) {
			t.Errorf("the other connection's digests: %v", got)
		}
		if got := read(t, f, other.ws.ID, "s:u1", "s:u2"); len(got) != 0 {
			t.Errorf("read from another workspace: %v", got)
		}
		if got := read(t, f, f.ws.ID, manyKeys...); !maps.Equal(got, many) {
			t.Errorf("2500 digests: %d read back, or some differ", len(got))
		}

		x := makeTx(f.conn, 1)
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, []store.TxWrite{{Tx: x, Group: "s:u1"}}); err != nil {
			t.Fatal(err)
		}
		if got := read(t, f, f.ws.ID, "s:u1", "s:u2"); !maps.Equal(got, map[string]model.Digest{"s:u2": d(2)}) {
			t.Errorf("after another write of s:u1: %v", got)
		}
		if got := read(t, other, other.ws.ID, "s:u1"); len(got) != 1 {
			t.Errorf("another connection's s:u1 went too: %v", got)
		}

	})
}
