package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/affsync/affsync/internal/model"
)

// A page of transactions is read with its items in the same query: each
// row carries its basket as a JSON array of arrays, built by the database.
// One statement instead of two per page is most of what a small API read
// costs beyond the HTTP itself. Amounts stay integers: the decoder reads
// numbers as json.Number, never float64.

// itemsJSON is the column expression of a transaction t's items, in order.
func itemsJSON(d Dialect) string {
	const cols = `sku, name, category, seller, price, quantity, returned, sale_amount, commission, rate, device, link_type, direct`
	if d == Postgres {
		return `(SELECT COALESCE(json_agg(json_build_array(` + cols + `) ORDER BY position), '[]')::text
			FROM transaction_items i WHERE i.transaction_id = t.id)`
	}
	return `(SELECT json_group_array(json_array(` + cols + `) ORDER BY position)
		FROM transaction_items i WHERE i.transaction_id = t.id)`
}

// withItems scans a transaction row whose last column is itemsJSON.
type withItems struct {
	r     rowScanner
	items *string
}

func (w withItems) Scan(dest ...any) error { return w.r.Scan(append(dest, w.items)...) }

func scanTransactionWithItems(r rowScanner) (txWithSeq, error) {
	var items string
	x, err := scanTransaction(withItems{r, &items})
	if err != nil {
		return x, err
	}
	if x.Items, err = decodeItems(items); err != nil {
		return x, fmt.Errorf("transaction %s items: %w", x.ID, err)
	}
	return x, nil
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
