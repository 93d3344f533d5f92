package store

import (
	"context"
	"fmt"

	"github.com/bits-and-blooms/bloom/v3"

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
		var stored bool
		if err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM transactions WHERE connection_id = $1)`,
			x.ConnectionID).Scan(&stored); err != nil {
			return false, fmt.Errorf("transactions of connection %s: %w", x.ConnectionID, err)
		}
		c = &connInserts{fresh: !stored}
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
// for a few others (a target of one in a thousand; each costs the lookup
// that was saved). It grows by filters twice as large as the last one, so
// its size follows the ids added, under 2 bytes each, however many a file
// makes.
type idFilter struct {
	parts []*bloom.BloomFilter
	size  uint // ids the last part was made for
	room  uint // ids it takes before the next one starts
}

const (
	filterFirstIDs  = 4096
	filterFalseRate = 0.001
)

func (f *idFilter) add(id string) {
	if f.room == 0 {
		f.size = max(filterFirstIDs, 2*f.size)
		f.parts = append(f.parts, bloom.NewWithEstimates(f.size, filterFalseRate))
		f.room = f.size
	}
	f.parts[len(f.parts)-1].AddString(id)
	f.room--
}

func (f *idFilter) mayHave(id string) bool {
	for _, p := range f.parts {
		if p.TestString(id) {
			return true
		}
	}
	return false
}
