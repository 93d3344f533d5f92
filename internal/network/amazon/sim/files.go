package sim

import (
	"fmt"
	"time"
)

// fileKinds counts the files a day has before the odd unknown one: Earnings
// plain, -subtags and XML, Orders, Tracking, Bounty.
const fileKinds = 6

// published is when a day's files first appear: the next morning, a minute
// apart, as Amazon's files are "current as of the previous day".
func published(day time.Time, index int) time.Time {
	return day.AddDate(0, 0, 1).Add(6*time.Hour + time.Duration(index)*time.Minute)
}

// reports writes every file of the account, oldest day first, plus one file
// of a report type affsync does not import, on the last day.
func (acc *account) reports(seed int64, store string) ([]report, error) {
	earnings := byDay(acc.earnings(), func(e earning) time.Time { return e.day })
	orders := byDay(acc.orders, func(o order) time.Time { return o.day })
	bounties := byDay(acc.bounties, func(b bounty) time.Time { return b.day })
	var out []report
	for _, day := range acc.days {
		rs, err := earningsReports(seed, store, day, earnings[day], published(day, 0))
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		name := reportName(store, "orders", false, day, "tsv")
		r, err := newReport(name, ordersTSV(store, day, orders[day], dateLayout(seed, name)), published(day, 3))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		name = reportName(store, "tracking", false, day, "tsv")
		if r, err = newReport(name, trackingTSV(store, day, acc.trackingRows(day, earnings[day])), published(day, 4)); err != nil {
			return nil, err
		}
		out = append(out, r)
		name = reportName(store, "bounty", false, day, "tsv")
		if r, err = newReport(name, bountyTSV(store, day, bounties[day], dateLayout(seed, name)), published(day, 5)); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	last := acc.days[len(acc.days)-1]
	r, err := newReport(reportName(store, "cp-utm-source", false, last, "tsv"), utmTSV(store, last), published(last, fileKinds))
	if err != nil {
		return nil, err
	}
	return append(out, r), nil
}

// earningsReports writes a day's three Earnings files: TSV plain, TSV with
// subtags and XML.
func earningsReports(seed int64, store string, day time.Time, rows []earning, modified time.Time) ([]report, error) {
	var out []report
	for i, subtags := range []bool{false, true} {
		name := reportName(store, "earnings", subtags, day, "tsv")
		r, err := newReport(name, earningsTSV(store, day, rows, subtags, dateLayout(seed, name)), modified.Add(time.Duration(i)*time.Minute))
		if err != nil {
			return nil, fmt.Errorf("earnings of %s: %w", day.Format(time.DateOnly), err)
		}
		out = append(out, r)
	}
	r, err := newReport(reportName(store, "earnings", false, day, "xml"), earningsXML(day, rows), modified.Add(2*time.Minute))
	if err != nil {
		return nil, fmt.Errorf("earnings of %s: %w", day.Format(time.DateOnly), err)
	}
	return append(out, r), nil
}
