package sim

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The simulator also serves an ECB-format feed of euro reference rates, so
// that demo and tests convert with no internet. A day's rate is a function
// of the seed, the date and the currency only, so a file fetched today and
// one fetched tomorrow agree on the days they share. Weekends have none, as
// at the ECB. The files are written here, not by affsync's parser package.

// ecbCurrencies are the simulated currencies: a centre rate (units per
// EUR, in 1/10^decimals), the decimals the ECB quotes, and the swing.
var ecbCurrencies = []struct {
	code     string
	centre   int64
	decimals int
}{
	{"USD", 10850, 4}, {"JPY", 16200, 2}, {"GBP", 86000, 5}, {"CAD", 14900, 4},
	{"INR", 905000, 2}, {"AUD", 16500, 4}, {"MXN", 200000, 4}, {"BRL", 60000, 4},
	{"SEK", 114500, 4}, {"PLN", 43000, 4}, {"TRY", 370000, 4}, {"SGD", 14500, 4},
	{"CHF", 9400, 4},
}

// ecbDays are the days of the 90-day feed (at the ECB: about 64 working days).
const ecbDays = 90

// ecbRate is a currency's simulated rate on day: the centre ±2%, rendered
// with the ECB's decimals.
func (s *Server) ecbRate(code string, centre int64, decimals int, day time.Time) string {
	h := fnv.New64a()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(s.cfg.Seed))
	h.Write(b[:])
	h.Write([]byte(day.Format(time.DateOnly) + code))
	swing := int64(h.Sum64()%401) - 200 // −200‥200 ten-thousandths of the centre: ±2%
	v := centre + centre*swing/10000
	str := strconv.FormatInt(v, 10)
	for len(str) <= decimals {
		str = "0" + str
	}
	return str[:len(str)-decimals] + "." + str[len(str)-decimals:]
}

// ecbWorkingDays lists the weekdays of the n days up to today, newest first.
func (s *Server) ecbWorkingDays(n int) []time.Time {
	var out []time.Time
	for i := range n {
		d := s.cfg.Today.AddDate(0, 0, -i)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

// ecbXML answers eurofxref-hist-90d.xml or, with one day, eurofxref-daily.xml.
func (s *Server) ecbXML(days int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">` + "\n" +
			"\t<gesmes:subject>Reference rates</gesmes:subject>\n\t<gesmes:Sender>\n\t\t<gesmes:name>European Central Bank</gesmes:name>\n\t</gesmes:Sender>\n\t<Cube>\n")
		list := s.ecbWorkingDays(days)
		if days == 1 {
			list = s.ecbWorkingDays(7)[:1] // the latest working day
		}
		for _, d := range list {
			fmt.Fprintf(&b, "\t\t<Cube time=\"%s\">\n", d.Format(time.DateOnly))
			for _, c := range ecbCurrencies {
				fmt.Fprintf(&b, "\t\t\t<Cube currency=\"%s\" rate=\"%s\"/>\n", c.code, s.ecbRate(c.code, c.centre, c.decimals, d))
			}
			b.WriteString("\t\t</Cube>\n")
		}
		b.WriteString("\t</Cube>\n</gesmes:Envelope>\n")
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(b.String()))
	}
}

// ecbCSV answers eurofxref-hist.csv over the account's days and the feed's:
// "Date,USD,…," with the ECB's trailing comma, newest first.
func (s *Server) ecbCSV(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("Date")
	for _, c := range ecbCurrencies {
		b.WriteString("," + c.code)
	}
	b.WriteString(",\n")
	for _, d := range s.ecbWorkingDays(max(ecbDays, s.cfg.Days+10)) {
		b.WriteString(d.Format(time.DateOnly))
		for _, c := range ecbCurrencies {
			b.WriteString("," + s.ecbRate(c.code, c.centre, c.decimals, d))
		}
		b.WriteString(",\n")
	}
	w.Header().Set("Content-Type", "text/csv")
	_, _ = w.Write([]byte(b.String()))
}
