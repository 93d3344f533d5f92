package sim

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"time"
)

// xmlLinkTypes are the XML flavour's short link-type codes.
var xmlLinkTypes = map[string]string{"Text": "asn", "Image": "img", "Product Link": "pl"}

// totals is one totals block of the XML flavour.
type totals struct{ earnings, revenue, units int64 }

func (t *totals) add(e earning) {
	t.earnings, t.revenue, t.units = t.earnings+e.fee, t.revenue+e.revenue, t.units+e.qty
}

func (t totals) write(b *strings.Builder, name string) {
	fmt.Fprintf(b, "<%s><Earnings>%s</Earnings><Revenue>%s</Revenue><Units>%d</Units></%s>", name, amount(t.earnings), amount(t.revenue), t.units, name)
}

// earningsXML writes a day's Earnings in the XML flavour of the sample in
// FORMATS §2: items as attributes, numeric categories resolved through
// ProductLine_array, totals blocks after the items.
func earningsXML(day time.Time, rows []earning) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><Data><Items>`)
	var amzn, nonAMZN, shipped, ret, ref totals
	lines := map[int]string{}
	for _, e := range rows {
		lines[e.p.cat.glID] = e.p.cat.name
		b.WriteString("<Item")
		attr(&b, "ASIN", e.p.asin)
		attr(&b, "Category", fmt.Sprint(e.p.cat.glID))
		attr(&b, "Date", day.Format("January 02, 2006"))
		attr(&b, "EDate", fmt.Sprint(day.Unix()))
		attr(&b, "Earnings", amount(e.fee))
		attr(&b, "LinkType", xmlLinkTypes[e.linkType])
		attr(&b, "Price", amount(e.p.price))
		attr(&b, "Qty", fmt.Sprint(e.qty))
		attr(&b, "Rate", percent(e.p.cat.rate))
		attr(&b, "Revenue", amount(e.revenue))
		attr(&b, "Seller", e.p.seller)
		attr(&b, "Tag", e.tag)
		attr(&b, "SubTag", e.subtag)
		attr(&b, "Title", e.p.title)
		b.WriteString("/>")
		switch e.kind {
		case shipment:
			shipped.add(e)
			if e.p.seller == "Amazon.com" {
				amzn.add(e)
			} else {
				nonAMZN.add(e)
			}
		case returnRow:
			ret.add(e)
		case refundRow:
			ref.add(e)
		}
	}
	b.WriteString("</Items>")
	amzn.write(&b, "AMZNShipmentTotals")
	nonAMZN.write(&b, "NonAMZNShipmentTotals")
	shipped.write(&b, "ShipmentTotals")
	ret.write(&b, "ReturnedTotals")
	ref.write(&b, "RefundedTotals")
	fmt.Fprintf(&b, "<FinalEarnings>%s</FinalEarnings><ProductLine_array>", amount(shipped.earnings+ret.earnings+ref.earnings))
	ids := make([]int, 0, len(lines))
	for id := range lines {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "<ProductLine><GLProductGroupID>%d</GLProductGroupID><ProductGroupName>", id)
		xml.EscapeText(&b, []byte(lines[id]))
		b.WriteString("</ProductGroupName></ProductLine>")
	}
	b.WriteString("</ProductLine_array></Data>")
	return b.String()
}

func attr(b *strings.Builder, name, value string) {
	b.WriteString(" " + name + `="`)
	xml.EscapeText(b, []byte(value))
	b.WriteByte('"')
}
