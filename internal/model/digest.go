package model

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// Digest is a fixed-size hash of the transactions one projection group
// makes (ProjectionDigest).
type Digest [16]byte

// ProjectionDigest hashes the transactions of one projection group, in the
// order given: their ids and every field TransactionChanges compares, as
// sameFields compares them (nil and empty customs alike, a nil order
// reference as an empty one, times by instant). Two lists with the same
// digest are, but for a hash collision, the same to TransactionChanges
// transaction by transaction, so a group whose new projection has the
// digest of what was stored for it would change nothing if written again.
func ProjectionDigest(txs []Transaction) Digest {
	var e digestEncoder
	e.uint(uint64(len(txs)))
	for i := range txs {
		e.transaction(&txs[i])
	}
	sum := sha256.Sum256(e.buf)
	return Digest(sum[:16])
}

// digestEncoder writes values unambiguously: each string with its length,
// each optional value with a presence byte.
type digestEncoder struct{ buf []byte }

func (e *digestEncoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *digestEncoder) int(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }

func (e *digestEncoder) str(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *digestEncoder) bool(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

func (e *digestEncoder) time(t time.Time) {
	e.bool(t.IsZero())
	if !t.IsZero() {
		e.int(t.Unix())
		e.int(int64(t.Nanosecond()))
	}
}

func (e *digestEncoder) timePtr(t *time.Time) {
	e.bool(t != nil)
	if t != nil {
		e.time(*t)
	}
}

func (e *digestEncoder) transaction(x *Transaction) {
	e.str(x.ID)
	e.str(string(x.Status))
	e.str(x.NetworkStatus)
	e.str(x.StatusReason)
	e.bool(x.Paid)
	e.str(x.PaymentID)
	e.str(x.Currency)
	e.int(x.SaleAmount)
	e.int(x.Commission)
	e.bool(x.CommissionEstimated)
	e.int(x.Quantity)
	e.str(x.Program)
	e.str(x.Channel)
	e.uint(uint64(len(x.Customs)))
	for _, c := range x.Customs {
		e.str(c)
	}
	e.str(strPtr(x.OrderRef))
	e.timePtr(x.ClickedAt)
	e.time(x.SoldAt)
	e.timePtr(x.CheckedAt)
	e.uint(uint64(len(x.Items)))
	for i := range x.Items {
		it := &x.Items[i]
		e.str(it.SKU)
		e.str(it.Name)
		e.str(it.Category)
		e.str(it.Seller)
		e.int(it.Price)
		e.int(it.Quantity)
		e.int(it.Returned)
		e.int(it.SaleAmount)
		e.int(it.Commission)
		e.int(it.Rate)
		e.str(it.Device)
		e.str(it.LinkType)
		e.bool(it.Direct != nil)
		if it.Direct != nil {
			e.bool(*it.Direct)
		}
	}
}
