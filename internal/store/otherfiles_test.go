package store_test

import (
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// OtherFilesHaveFacts looks at the connection's other files only: not the
// file being imported, not the skipped (dead) ones, not files without facts,
// and not another connection's.
func TestOtherFilesHaveFacts(t *testing.T) {
	tests := []struct {
		name  string
		files []string // each file's groups (groupsFile); the first is the one imported
		skip  []int    // indexes into files
		want  bool
	}{
		{"only the file imported", []string{"abc"}, nil, false},
		{"another file with facts", []string{"abc", "x"}, nil, true},
		{"another file without facts", []string{"abc", ""}, nil, false},
		{"the other file is skipped", []string{"abc", "abc"}, []int{1}, false},
		{"one of two others is skipped", []string{"abc", "a", "b"}, []int{1}, true},
		{"both others are skipped", []string{"abc", "a", "b"}, []int{1, 2}, false},
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := newFixture(t, s, "other-files "+tt.name)
				elsewhere := newFixture(t, s, "other-files elsewhere "+tt.name)
				var got bool
				err := s.Write(ctx, func(tx *store.Tx) error {
					groupsFile(t, tx, elsewhere, tt.name+" elsewhere", "abc")
					var ids []int64
					for i, groups := range tt.files {
						ids = append(ids, groupsFile(t, tx, f, tt.name+string(rune('0'+i)), groups))
					}
					var skip []int64
					for _, i := range tt.skip {
						skip = append(skip, ids[i])
					}
					var err error
					got, err = tx.OtherFilesHaveFacts(ctx, f.conn.ID, ids[0], skip)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("OtherFilesHaveFacts = %v, want %v", got, tt.want)
				}
			})
		}
	})
}
