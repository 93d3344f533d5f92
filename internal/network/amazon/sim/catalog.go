package sim

import (
	"encoding/json"
	"net/http"
)

// maxItemIDs is getItems' limit of ASINs per call.
const maxItemIDs = 10

type catalogItem struct {
	ASIN     string `json:"asin"`
	Title    string `json:"title"`
	Category string `json:"category"`
}

// getItems answers the catalog's getItems for the ASINs the account sold;
// unknown ASINs are left out of the answer.
func (s *Server) getItems(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ItemIDs []string `json:"itemIds"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, "ValidationException", "", "The request body must be JSON")
		return
	}
	if len(body.ItemIDs) == 0 || len(body.ItemIDs) > maxItemIDs {
		apiError(w, http.StatusBadRequest, "ValidationException", "", "itemIds must hold 1 to 10 ASINs")
		return
	}
	items := []catalogItem{}
	for _, id := range body.ItemIDs {
		for _, p := range s.acc.catalog { // the catalog never changes after New
			if p.asin == id {
				items = append(items, catalogItem{ASIN: p.asin, Title: p.title, Category: p.cat.name})
				break
			}
		}
	}
	s.counts.catalog.Add(1)
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}
