package reportfile

// Kind is what a table holds. Reports come from the network; the other
// kinds are files a person writes (README "File formats"), told apart by
// their header alone so that they can be imported beside report files.
type Kind string

const (
	KindReport   Kind = "report"   // a network's report; Table.Report says which
	KindPayments Kind = "payments" // money paid out: payment_id, paid_on, period or month, currency, amount, method
	KindDeals    Kind = "deals"    // offers, coupons, vouchers: program, title, code, url, starts, ends
	KindCustom   Kind = "custom"   // the generic transactions CSV of SPEC §4.4
	// KindOther is a workbook sheet with no header of any kind above in its
	// first rows (a person's notes, a pivot table): listed, never read.
	KindOther Kind = "other"
)

// schema is the header of one kind of person-written file: its column
// aliases (normalised as normaliseHeader does) and the columns that
// identify it. Identification looks only at columns no Amazon report has,
// so a report is never taken for one of these (amazon: none of its
// reports has them).
type schema struct {
	kind    Kind
	aliases map[string]string
	dates   []string // canonical columns holding dates (XLSX serials are converted)
	numbers []string // canonical columns holding amounts or counts (XLSX numbers are written out exactly)
	// is tells the kind from its header; the importer then checks that the
	// columns it needs are there and says which are missing.
	is func(h *header) bool
}

var schemas = []schema{
	{
		kind: KindPayments,
		aliases: map[string]string{
			"paymentid": "payment_id", "paymentreference": "payment_id", "reference": "payment_id", "paymentnumber": "payment_id",
			"paidon": "paid_on", "paymentdate": "paid_on", "datepaid": "paid_on", "paiddate": "paid_on", "date": "paid_on",
			"periodstart": "period_start", "periodfrom": "period_start", "startdate": "period_start", "from": "period_start",
			"periodend": "period_end", "periodto": "period_end", "enddate": "period_end", "to": "period_end",
			"month": "month", "period": "month", "earningsmonth": "month", "paymentperiod": "month",
			"currency": "currency",
			"amount":   "amount", "paymentamount": "amount", "amountpaid": "amount", "paidamount": "amount",
			"method": "method", "paymentmethod": "method", "paymenttype": "method",
		},
		dates:   []string{"paid_on", "period_start", "period_end", "month"},
		numbers: []string{"amount"},
		is: func(h *header) bool {
			return h.has("amount") && (h.has("paid_on") || h.has("payment_id") || h.has("method"))
		},
	},
	{
		kind: KindDeals,
		aliases: map[string]string{
			"dealid": "id", "id": "id",
			"program": "program", "marketplace": "program", "advertiser": "program",
			"title": "title", "deal": "title", "name": "title",
			"description": "description", "details": "description",
			"code": "code", "couponcode": "code", "vouchercode": "code", "coupon": "code", "promocode": "code", "voucher": "code",
			"url": "url", "link": "url", "dealurl": "url", "landingpage": "url",
			"starts": "starts", "start": "starts", "startson": "starts", "startdate": "starts", "validfrom": "starts",
			"ends": "ends", "end": "ends", "endson": "ends", "enddate": "ends", "validuntil": "ends", "validto": "ends", "expires": "ends",
		},
		dates: []string{"starts", "ends"},
		is: func(h *header) bool {
			return h.has("title") && (h.has("code") || h.has("url") || h.has("starts") || h.has("ends") || h.has("description"))
		},
	},
	{
		kind: KindCustom,
		aliases: map[string]string{
			"id": "id", "transactionid": "id", "orderid": "id",
			"clicked": "clicked", "clickedat": "clicked", "clickdate": "clicked", "clicktime": "clicked",
			"sold": "sold", "soldat": "sold", "saledate": "sold", "saletime": "sold",
			"revenue": "revenue", "commission": "revenue", "payout": "revenue",
			"price": "price", "saleamount": "price", "orderamount": "price", "ordervalue": "price",
			"status":   "status",
			"currency": "currency",
			"custom1":  "custom_1", "subid": "custom_1", "subid1": "custom_1",
			"custom2": "custom_2", "subid2": "custom_2",
			"program": "program", "channel": "channel", "quantity": "quantity",
		},
		dates:   []string{"clicked", "sold"},
		numbers: []string{"revenue", "price", "quantity"},
		// Amazon's headers say "Date Shipped", "Clicks", "Sub Tag": never
		// these words.
		is: func(h *header) bool {
			return h.has("sold") || h.has("clicked") || h.has("custom_1") || h.has("custom_2") || h.has("status")
		},
	},
}

// detectHeader reads a header row as the first person-written kind it
// identifies, else as a report header.
func detectHeader(fields []string, reports Reports) (*header, Kind) {
	for _, s := range schemas {
		if h := parseHeaderWith(fields, s.aliases); h.known >= 2 && s.is(h) {
			h.dates, h.numbers = s.dates, s.numbers
			return h, s.kind
		}
	}
	h := parseHeader(fields, reports)
	h.dates, h.numbers = reports.Dates(), reports.Numbers()
	return h, KindReport
}
