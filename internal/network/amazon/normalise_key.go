package amazon

import (
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/affsync/affsync/internal/model"
)

// keyEscaper keeps the key's separator unambiguous inside values (subtags
// like "92164|1|ma" carry it).
var keyEscaper = strings.NewReplacer(`\`, `\\`, `|`, `\|`)

// key is the row's identity (SPEC §3.4): report type, tracking ID, subtag,
// ASIN, day, link type, seller, device, price, the bounty name and the
// sign (a return row stays apart from the shipment it reverses), joined
// with "|", then "#n", the row's occurrence among equal rows of this file.
// Two identical lines stay two facts, and reading the file again finds the
// same keys.
func (n *normaliser) key(f model.Fact) (string, error) {
	fields := []string{string(f.Report), f.TrackingID, f.Subtag, f.ASIN, f.Day.Format("2006-01-02"), f.LinkType, f.Seller,
		f.Device, strconv.FormatInt(f.Price, 10), bountyName(f), signOf(f)}
	for i, v := range fields {
		fields[i] = keyEscaper.Replace(v)
	}
	base := strings.Join(fields, "|")
	// Counted by a 64-bit hash of the base, not the base itself (rowCounter).
	// Two bases that share a hash still make two keys (the key is the base
	// and its number); a collision could only renumber them, and only if a
	// re-issued file drops one of them: with 64 bits, about once in ten
	// million files of a million distinct rows.
	h := fnv.New64a()
	h.Write([]byte(base))
	occurrence, err := n.seen.next(h.Sum64())
	if err != nil {
		return "", err
	}
	return base + "#" + strconv.FormatUint(uint64(occurrence), 10), nil
}

func bountyName(f model.Fact) string {
	if f.Report == model.ReportBounty {
		return f.Name
	}
	return ""
}

// signOf keeps a return or refund row apart from the shipment it reverses.
func signOf(f model.Fact) string {
	if f.Quantity < 0 || f.Revenue < 0 || f.Commission < 0 {
		return "-"
	}
	return "+"
}
