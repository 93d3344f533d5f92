package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/affsync/affsync/internal/model"
)

// A transaction's items are stored in its own row (migration 00007), as a
// JSON array of arrays, each [sku, name, category, seller, price, quantity,
// returned, sale_amount, commission, rate, device, link_type, direct]: an
// import writes one row per transaction, and a page of transactions reads
// its baskets with its rows. Amounts stay integers: the encoder writes them
// with strconv and the decoder reads numbers as json.Number, never float64.

// itemsColumn is the column of a transaction t's items.
const itemsColumn = "t.items"

// encodeItems writes items as the items column holds them.
func encodeItems(items []model.Item) string {
	if len(items) == 0 {
		return "[]"
	}
	b := make([]byte, 0, 128*len(items))
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for _, s := range [...]string{it.SKU, it.Name, it.Category, it.Seller} {
			b = appendJSONString(b, s)
			b = append(b, ',')
		}
		for _, n := range [...]int64{it.Price, it.Quantity, it.Returned, it.SaleAmount, it.Commission, it.Rate} {
			b = strconv.AppendInt(b, n, 10)
			b = append(b, ',')
		}
		b = appendJSONString(b, it.Device)
		b = append(b, ',')
		b = appendJSONString(b, it.LinkType)
		b = append(b, ',')
		switch {
		case it.Direct == nil:
			b = append(b, "null"...)
		case *it.Direct:
			b = append(b, "true"...)
		default:
			b = append(b, "false"...)
		}
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

// appendJSONString appends s as a JSON string. Text that is not valid UTF-8
// goes through encoding/json, which replaces what it cannot encode.
func appendJSONString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		q, _ := json.Marshal(s)
		return append(b, q...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

const hex = "0123456789abcdef"

// withItems scans a transaction row whose last column is itemsColumn.
type withItems struct {
	r     rowScanner
	items *string
}

func (w withItems) Scan(dest ...any) error { return w.r.Scan(append(dest, w.items)...) }

func scanTransactionWithItems(r rowScanner) (txWithSeq, error) {
	x, err := scanTransactionItemsAsStored(r)
	if err != nil {
		return x, err
	}
	return x, x.decodedItems()
}

// scanTransactionItemsAsStored scans a transaction row whose last column
// is itemsColumn, and keeps its items as stored (txWithSeq.itemsJSON).
func scanTransactionItemsAsStored(r rowScanner) (txWithSeq, error) {
	var items string
	x, err := scanTransaction(withItems{r, &items})
	x.itemsJSON = &items
	return x, err
}

func decodeItems(text string) ([]model.Item, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var rows [][]any
	if err := dec.Decode(&rows); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	items := make([]model.Item, len(rows))
	for i, row := range rows {
		if len(row) != 13 {
			return nil, fmt.Errorf("item %d has %d fields", i, len(row))
		}
		it := &items[i]
		var err error
		str := func(v any) string { s, _ := v.(string); return s }
		num := func(v any) int64 {
			n, ok := v.(json.Number)
			if !ok {
				err = fmt.Errorf("item %d: %v is not a number", i, v)
				return 0
			}
			x, e := n.Int64()
			if e != nil {
				err = e
			}
			return x
		}
		it.SKU, it.Name, it.Category, it.Seller = str(row[0]), str(row[1]), str(row[2]), str(row[3])
		it.Price, it.Quantity, it.Returned, it.SaleAmount, it.Commission, it.Rate = num(row[4]), num(row[5]), num(row[6]), num(row[7]), num(row[8]), num(row[9])
		it.Device, it.LinkType = str(row[10]), str(row[11])
		switch v := row[12].(type) {
		case nil:
		case bool:
			it.Direct = &v
		case json.Number: // SQLite keeps booleans as 0 and 1
			b := v.String() != "0"
			it.Direct = &b
		default:
			err = fmt.Errorf("item %d: direct is %v", i, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}
