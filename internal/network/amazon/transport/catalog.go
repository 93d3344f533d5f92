package transport

import (
	"context"
	"fmt"
)

// CatalogItem is what the catalog's getItems says of one ASIN.
type CatalogItem struct {
	ASIN     string `json:"asin"`
	Title    string `json:"title"`
	Category string `json:"category"`
}

// maxItemIDs is getItems' limit of ASINs per call.
const maxItemIDs = 10

// GetItems looks ASINs up in the catalog, ten per call. ASINs Amazon does
// not know are missing from the answer.
func (c *Creators) GetItems(ctx context.Context, asins []string) ([]CatalogItem, error) {
	var items []CatalogItem
	for start := 0; start < len(asins); start += maxItemIDs {
		batch := asins[start:min(start+maxItemIDs, len(asins))]
		var answer struct {
			Items []CatalogItem `json:"items"`
		}
		if err := c.call(ctx, "getItems", "/catalog/v1/getItems", map[string][]string{"itemIds": batch}, &answer); err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		items = append(items, answer.Items...)
	}
	return items, nil
}
