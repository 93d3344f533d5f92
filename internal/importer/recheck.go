package importer

import (
	"context"

	"github.com/affsync/affsync/internal/store"
)

// Recheck is the daily lifecycle pass: it projects again, as of today, every
// group of the connection with a pending transaction, so return windows
// close and unshipped orders lapse without any new file.
func (im *Importer) Recheck(ctx context.Context, conn store.Connection) (Counts, error) {
	var total Counts
	st, err := im.connectionSettings(conn)
	if err != nil || st.transactions {
		return total, err // a custom network's statuses are the file's, not rules of the date
	}
	err = im.Store.Write(ctx, func(tx *store.Tx) error {
		pr, err := newProjection(ctx, tx, conn, st)
		if err != nil {
			return err
		}
		after := ""
		next := func() ([]string, error) {
			batch, err := tx.PendingGroups(ctx, conn.ID, after, groupBatch)
			if len(batch) > 0 {
				after = batch[len(batch)-1]
			}
			return batch, err
		}
		return im.projectBatches(ctx, tx, conn, pr, im.loadEach(ctx, tx, conn, next), func(c Counts) {
			total.Created += c.Created
			total.Updated += c.Updated
			total.Unchanged += c.Unchanged
			total.Deleted += c.Deleted
		})
	})
	return total, err
}
