package sim

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// fileSums are totals read back from the files with the tiny TSV reader of
// the tests, to hold against the truth computed from the events.
type fileSums struct {
	revenue map[dayTag][2]int64 // sale amount, commission
	clicks  map[dayTag]int64
	subtags map[string]*subtagSum
	// rows without subtag and bounties, in total
	rowSale, rowCommission, bountyCommission int64
	bountyBySubtag                           map[string]int64
	returns, partialReturns, refunds         int
	negativeBounties, rowsWithoutSubtag      int
}

type dayTag struct {
	day time.Time
	tag string
}

type subtagSum struct {
	tag              string
	sale, commission int64
	qty              int64
	firstShip        time.Time
	shipped          map[string]int64     // ASIN → quantity shipped
	net              map[string]int64     // ASIN → quantity left
	lastShip         map[string]time.Time // ASIN → its last shipment
}

// lastLiveShip is the last shipment of an ASIN with something left.
func (st *subtagSum) lastLiveShip() time.Time {
	var last time.Time
	for asin, q := range st.net {
		if q > 0 && st.lastShip[asin].After(last) {
			last = st.lastShip[asin]
		}
	}
	return last
}

var subtagChars = regexp.MustCompile(`^[A-Za-z0-9_-]{10,22}$`)

func readSums(t *testing.T, s *Server) fileSums {
	t.Helper()
	fs := fileSums{revenue: map[dayTag][2]int64{}, clicks: map[dayTag]int64{}, subtags: map[string]*subtagSum{}, bountyBySubtag: map[string]int64{}}
	addRevenue := func(k dayTag, sale, commission int64) {
		v := fs.revenue[k]
		fs.revenue[k] = [2]int64{v[0] + sale, v[1] + commission}
	}
	for _, f := range s.Files() {
		m := fileName.FindStringSubmatch(f.Name)
		if m[4] != "tsv" {
			continue
		}
		b, _ := s.File(f.Name)
		tb := readTSV(t, f.Name, gunzipT(t, f.Name, b))
		switch m[1] + m[2] {
		case "earnings-subtags":
			for _, r := range tb.rows {
				day := parseDay(t, r["Date Shipped"])
				price, qty, rev, fee := cents(t, r["Price"]), integer(t, r["Quantity"]), cents(t, r["Revenue"]), cents(t, r["Earnings"])
				rate := cents(t, r["Referral Fee Rate"]) // basis points
				checkRow(t, f.Name, price, qty, rev, fee, rate)
				addRevenue(dayTag{day, r["Tracking ID"]}, rev, fee)
				switch {
				case qty < 0:
					fs.returns++
				case qty == 0:
					fs.refunds++
				}
				sub := r["Sub Tag"]
				if sub == "" {
					fs.rowSale, fs.rowCommission = fs.rowSale+rev, fs.rowCommission+fee
					fs.rowsWithoutSubtag++
					continue
				}
				if !subtagChars.MatchString(sub) {
					t.Errorf("subtag %q", sub)
				}
				st := fs.subtags[sub]
				if st == nil {
					st = &subtagSum{tag: r["Tracking ID"], shipped: map[string]int64{}, net: map[string]int64{}, lastShip: map[string]time.Time{}}
					fs.subtags[sub] = st
				}
				if st.tag != r["Tracking ID"] {
					t.Errorf("subtag %s under two tracking IDs", sub)
				}
				st.sale, st.commission, st.qty = st.sale+rev, st.commission+fee, st.qty+qty
				st.net[r["ASIN"]] += qty
				if qty > 0 {
					st.shipped[r["ASIN"]] += qty
					if st.firstShip.IsZero() || day.Before(st.firstShip) {
						st.firstShip = day
					}
					if day.After(st.lastShip[r["ASIN"]]) {
						st.lastShip[r["ASIN"]] = day
					}
				} else if qty < 0 && -qty < st.shipped[r["ASIN"]] {
					fs.partialReturns++
				}
			}
		case "bounty":
			for _, r := range tb.rows {
				fee := cents(t, r["Ad Fees"])
				addRevenue(dayTag{parseDay(t, r["Date Shipped"]), r["Tracking Id"]}, 0, fee)
				fs.bountyCommission += fee
				if fee < 0 {
					fs.negativeBounties++
				} else if r["Sub Tag"] != "" {
					fs.bountyBySubtag[r["Sub Tag"]] += fee
				}
			}
		case "tracking":
			day := mustDay(t, m[3])
			for _, r := range tb.rows {
				fs.clicks[dayTag{day, r["Associate ID"]}] += integer(t, r["Clicks"])
			}
		}
	}
	return fs
}

// checkRow holds a row to commission = round(price × qty × rate), in
// integers; a refund (quantity 0) has only negative amounts.
func checkRow(t *testing.T, name string, price, qty, rev, fee, rate int64) {
	t.Helper()
	if qty == 0 {
		if rev >= 0 || fee > 0 {
			t.Errorf("%s: refund row %d/%d", name, rev, fee)
		}
		return
	}
	want := (price*qty*rate*2 + sign(qty)*10000) / 20000 // half away from zero
	if rev != price*qty || fee != want || rate < 100 || rate > 1000 {
		t.Errorf("%s: %d × %d at %d bp: revenue %d, earnings %d (want %d)", name, price, qty, rate, rev, fee, want)
	}
}

func sign(n int64) int64 {
	if n < 0 {
		return -1
	}
	return 1
}

func TestTruthMatchesFiles(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		s := newSim(t, Config{Seed: seed})
		checkTruth(t, s, true)
	}
}

// checkTruth holds the truth against the files; variety also asks that the
// account shows every case the sync must handle.
func checkTruth(t *testing.T, s *Server, variety bool) {
	t.Helper()
	fs := readSums(t, s)
	truth := s.Truth()

	revenues := map[dayTag][2]int64{}
	for _, r := range truth.Revenues {
		if r.Currency != "USD" {
			t.Errorf("revenue in %s", r.Currency)
		}
		revenues[dayTag{r.Date, r.TrackingID}] = [2]int64{r.SaleAmount, r.Commission}
	}
	if !equalMaps(revenues, fs.revenue) {
		t.Errorf("truth revenues (%d) differ from the files' (%d)", len(revenues), len(fs.revenue))
	}
	clicks := map[dayTag]int64{}
	for _, c := range truth.Clicks {
		clicks[dayTag{c.Date, c.TrackingID}] = c.Clicks
	}
	if !equalMaps(clicks, fs.clicks) {
		t.Errorf("truth clicks differ from the Tracking files")
	}

	var rowSale, rowCommission, bountyCommission int64
	seen := map[string]bool{}
	statuses := map[string]int{}
	for _, tx := range truth.Transactions {
		statuses[tx.Status]++
		switch {
		case tx.Bounty:
			bountyCommission += tx.Commission
			if tx.SaleAmount != 0 || tx.Quantity != 1 && !(tx.Status == "declined" && tx.Quantity == 0 && tx.Commission == 0) {
				t.Errorf("bounty %+v", tx)
			}
			if tx.Subtag != "" && tx.Status != "declined" && fs.bountyBySubtag[tx.Subtag] != tx.Commission {
				t.Errorf("bounty %s: %d, file %d", tx.Subtag, tx.Commission, fs.bountyBySubtag[tx.Subtag])
			}
		case tx.Subtag == "":
			rowSale, rowCommission = rowSale+tx.SaleAmount, rowCommission+tx.Commission
			if tx.Quantity <= 0 && tx.Status != "declined" {
				t.Errorf("row %+v", tx)
			}
		default:
			st := fs.subtags[tx.Subtag]
			if st == nil || seen[tx.Subtag] {
				t.Errorf("subtag %s: in the files %v, twice in the truth %v", tx.Subtag, st != nil, seen[tx.Subtag])
				continue
			}
			seen[tx.Subtag] = true
			want := "pending"
			switch {
			case st.qty <= 0:
				want = "declined"
			case today.Sub(st.lastLiveShip()) >= 30*24*time.Hour:
				want = "confirmed"
			}
			if tx.TrackingID != st.tag || tx.SaleAmount != st.sale || tx.Commission != st.commission || tx.Quantity != st.qty ||
				!tx.SoldAt.Equal(st.firstShip) || tx.Status != want {
				t.Errorf("subtag %s: truth %+v, files %+v status %s", tx.Subtag, tx, *st, want)
			}
		}
	}
	if len(seen) != len(fs.subtags) {
		t.Errorf("%d subtags in the truth, %d in the files", len(seen), len(fs.subtags))
	}
	if rowSale != fs.rowSale || rowCommission != fs.rowCommission {
		t.Errorf("rows without subtag: truth %d/%d, files %d/%d", rowSale, rowCommission, fs.rowSale, fs.rowCommission)
	}
	if bountyCommission != fs.bountyCommission {
		t.Errorf("bounties: truth %d, files %d", bountyCommission, fs.bountyCommission)
	}
	if !variety {
		return
	}
	perDay := float64(len(truth.Transactions)) / 60
	if perDay < 50 || perDay > 150 {
		t.Errorf("%.0f transactions a day, want 50–150", perDay)
	}
	if fs.returns == 0 || fs.partialReturns == 0 || fs.refunds == 0 || fs.negativeBounties != 1 || fs.rowsWithoutSubtag == 0 {
		t.Errorf("returns %d (partial %d), refunds %d, negative bounties %d, rows without subtag %d: want each",
			fs.returns, fs.partialReturns, fs.refunds, fs.negativeBounties, fs.rowsWithoutSubtag)
	}
	for _, st := range []string{"pending", "confirmed", "declined"} {
		if statuses[st] == 0 {
			t.Errorf("no %s transaction: %v", st, statuses)
		}
	}
}

func equalMaps[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestShippedStatus(t *testing.T) {
	tests := []struct {
		qty      int64
		lastShip time.Time
		want     string
	}{
		{1, today.AddDate(0, 0, -29), "pending"},
		{1, today.AddDate(0, 0, -30), "confirmed"},
		{0, today.AddDate(0, 0, -40), "declined"},
		{-1, today.AddDate(0, 0, -1), "declined"},
		{2, time.Time{}, "declined"},
	}
	for _, tc := range tests {
		if got := shippedStatus(tc.qty, tc.lastShip, today); got != tc.want {
			t.Errorf("shippedStatus(%d, %s) = %s, want %s", tc.qty, tc.lastShip.Format(time.DateOnly), got, tc.want)
		}
	}
}

func TestFee(t *testing.T) {
	tests := []struct{ amount, rate, want int64 }{
		{799, 751, 60}, // the sample: 7.99 at 7.51 % is 0.60
		{1000, 450, 45},
		{150, 100, 2}, // 1.5 cents rounds away from zero
		{-150, 100, -2},
		{149, 100, 1},
		{0, 1000, 0},
	}
	for _, tc := range tests {
		if got := fee(tc.amount, tc.rate); got != tc.want {
			t.Errorf("fee(%d, %d) = %d, want %d", tc.amount, tc.rate, got, tc.want)
		}
	}
}

func TestReissue(t *testing.T) {
	s := newSim(t, Config{Seed: 4})
	day := today.AddDate(0, 0, -3)
	before := map[string]File{}
	for _, f := range s.Files() {
		before[f.Name] = f
	}
	qty := func() (n int64) {
		for _, tx := range s.Truth().Transactions {
			if !tx.Bounty {
				n += tx.Quantity
			}
		}
		return n
	}
	q0 := qty()
	if err := s.Reissue(day); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, f := range s.Files() {
		old := before[f.Name]
		reissued := strings.Contains(f.Name, "-earnings-report-") && strings.Contains(f.Name, day.Format("20060102"))
		if reissued {
			changed++
			if f.MD5 == old.MD5 || !f.LastModified.After(old.LastModified) {
				t.Errorf("%s: md5 %s → %s, lastModified %v → %v", f.Name, old.MD5, f.MD5, old.LastModified, f.LastModified)
			}
		} else if f != old {
			t.Errorf("%s changed: %+v → %+v", f.Name, old, f)
		}
	}
	if changed != 3 {
		t.Errorf("%d files re-issued, want the day's 3 Earnings files", changed)
	}
	if q := qty(); q != q0-1 {
		t.Errorf("net quantity %d → %d, want one item returned", q0, q)
	}
	checkTruth(t, s, false)
	if err := s.Reissue(today); err == nil {
		t.Error("Reissue(today) succeeded; today has no reports yet")
	}
}
