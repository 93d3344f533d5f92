package store

import (
	"context"
	"fmt"
	"hash/maphash"

	"github.com/affsync/affsync/internal/model"
)

// An upsert looks up by id the projected transactions its caller's group
// read did not answer: a transaction is made by one group for the life of
// its connection, but not always the same one (a bounty re-issued with
// another amount keeps its row key, so its id, and changes group). For a
// connection that had no transaction when this write transaction first
// stored one of its, no lookup is needed: every transaction it has was
// inserted since, by this transaction, which notes their ids (below). A
// first import then looks up none of its new transactions.

// connInserts is what this write transaction knows of a connection's
// stored transactions.
type connInserts struct {
	fresh bool     // it had none when this transaction first asked
	ids   idFilter // the ids inserted since, when fresh
}

// surelyNew tells whether x is surely not stored, without a lookup: its
// connection is fresh, its id is the one its connection and source key
// derive (no other connection's), and this transaction inserted no such id.
func (t *Tx) surelyNew(ctx context.Context, x model.Transaction) (bool, error) {
	c, ok := t.inserts[x.ConnectionID]
	if !ok {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM transactions WHERE connection_id = $1 LIMIT 1) x`,
			x.ConnectionID).Scan(&n); err != nil {
			return false, fmt.Errorf("transactions of connection %s: %w", x.ConnectionID, err)
		}
		c = &connInserts{fresh: n == 0}
		if t.inserts == nil {
			t.inserts = map[string]*connInserts{}
		}
		t.inserts[x.ConnectionID] = c
	}
	return c.fresh && !c.ids.mayHave(x.ID) && x.ID == model.TransactionID(x.ConnectionID, x.SourceKey), nil
}

// inserted notes a transaction insertTransactions writes. A connection not
// asked about yet needs no note: when it is, its rows are in the store.
func (t *Tx) inserted(x model.Transaction) {
	if c := t.inserts[x.ConnectionID]; c != nil && c.fresh {
		c.ids.add(x.ID)
	}
}

// idFilter is a Bloom filter of ids: mayHave is true for every id added and
// for a few others (about one in a thousand; each costs the lookup that
// was saved). It grows by filters twice as large as the last one, so its
// size follows the ids added, about 2.5 bytes each.
type idFilter struct {
	seed  maphash.Seed
	parts []bloom
}

type bloom struct {
	bits     []uint64
	n, limit int // ids added, and how many it takes
}

const (
	bloomBitsPerID = 20
	bloomHashes    = 5
	bloomFirstIDs  = 4096
)

func (f *idFilter) add(id string) {
	if len(f.parts) == 0 {
		f.seed = maphash.MakeSeed()
	}
	if len(f.parts) == 0 || f.parts[len(f.parts)-1].n == f.parts[len(f.parts)-1].limit {
		limit := bloomFirstIDs
		if len(f.parts) > 0 {
			limit = 2 * f.parts[len(f.parts)-1].limit
		}
		f.parts = append(f.parts, bloom{bits: make([]uint64, limit*bloomBitsPerID/64), limit: limit})
	}
	b := &f.parts[len(f.parts)-1]
	h := maphash.String(f.seed, id)
	for i := range uint64(bloomHashes) {
		k := b.bit(h, i)
		b.bits[k/64] |= 1 << (k % 64)
	}
	b.n++
}

func (f *idFilter) mayHave(id string) bool {
	if len(f.parts) == 0 {
		return false
	}
	h := maphash.String(f.seed, id)
	for _, b := range f.parts {
		if b.has(h) {
			return true
		}
	}
	return false
}

// bit is the i-th bit of hash h (double hashing: h1 + i·h2).
func (b *bloom) bit(h, i uint64) uint64 {
	h1, h2 := h&0xffffffff, h>>32|1
	return (h1 + i*h2) % uint64(len(b.bits)*64)
}

func (b *bloom) has(h uint64) bool {
	for i := range uint64(bloomHashes) {
		k := b.bit(h, i)
		if b.bits[k/64]&(1<<(k%64)) == 0 {
			return false
		}
	}
	return true
}
