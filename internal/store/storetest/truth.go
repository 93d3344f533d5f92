package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/store"
)

// TruthDiff compares a workspace's transactions with a simulator's ground
// truth, to the cent: subtag, bounty or not, quantity, sale amount,
// commission, status and sold day. trackingID "" compares all of the
// truth, else only that tracking ID's. It answers "" when they are equal,
// else what is missing and extra, and how many transactions the truth
// holds (so a caller can refuse a truth too small to mean anything).
func TruthDiff(t testing.TB, s *store.Store, workspaceID string, truth sim.Truth, trackingID string) (diff string, truthCount int) {
	t.Helper()
	key := func(subtag string, bounty bool, qty, sale, commission int64, status string, sold time.Time) string {
		return fmt.Sprintf("%s|%v|%d|%d|%d|%s|%s", subtag, bounty, qty, sale, commission, status, sold.Format(time.DateOnly))
	}
	var want, got []string
	for _, x := range truth.Transactions {
		if trackingID == "" || x.TrackingID == trackingID {
			want = append(want, key(x.Subtag, x.Bounty, x.Quantity, x.SaleAmount, x.Commission, x.Status, x.SoldAt))
		}
	}
	for cursor := ""; ; {
		page, next, err := s.Transactions(context.Background(), workspaceID, store.TransactionFilter{Limit: 1000, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page {
			sub := ""
			if len(x.Customs) > 0 {
				sub = x.Customs[0]
			}
			got = append(got, key(sub, x.NetworkStatus == "bounty", x.Quantity, x.SaleAmount, x.Commission, string(x.Status), x.SoldAt))
		}
		if next == "" {
			break
		}
		cursor = next
	}
	slices.Sort(want)
	slices.Sort(got)
	if slices.Equal(want, got) {
		return "", len(want)
	}
	return fmt.Sprintf("store has %d transactions, truth %d: missing %v, extra %v", len(got), len(want),
		firstFive(without(want, got)), firstFive(without(got, want))), len(want)
}

// without is a minus b, as multisets.
func without(a, b []string) []string {
	in := map[string]int{}
	for _, x := range b {
		in[x]++
	}
	var out []string
	for _, x := range a {
		if in[x] > 0 {
			in[x]--
			continue
		}
		out = append(out, x)
	}
	return out
}

func firstFive(xs []string) string { return strings.Join(xs[:min(len(xs), 5)], "; ") }
