package store

import (
	"context"
	"fmt"
	"time"
)

// Outcomes of an imported file.
const (
	FileApplied  = "applied"
	FileRejected = "rejected"
	FileSkipped  = "skipped" // an unknown report type, listed with a note
)

// ImportedFile is one report file read for a connection.
type ImportedFile struct {
	ID           int64
	WorkspaceID  string
	ConnectionID string
	Filename     string
	MD5          string
	Size         int64
	ReportTypes  string // the report types found, comma-separated
	LastModified *time.Time
	Outcome      string
	Rows         int
	Error        string
	ImportedAt   time.Time
}

// FileKnown tells whether this exact file (name and MD5) was already applied
// or skipped for the connection; a rejected file may be tried again.
func (s *Store) FileKnown(ctx context.Context, connectionID, filename, md5 string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM imported_files WHERE connection_id = $1 AND filename = $2 AND md5 = $3
		AND outcome <> 'rejected'`, connectionID, filename, md5).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("file known: %w", err)
	}
	return n > 0, nil
}

// AddFile records a file inside the transaction that applies it. A rejected
// earlier attempt of the same file is replaced.
func (t *Tx) AddFile(ctx context.Context, f ImportedFile) (int64, error) {
	if _, err := t.exec(ctx, `DELETE FROM imported_files WHERE connection_id = $1 AND filename = $2 AND md5 = $3 AND outcome = 'rejected'`,
		f.ConnectionID, f.Filename, f.MD5); err != nil {
		return 0, fmt.Errorf("record file: %w", err)
	}
	var id int64
	err := t.queryRow(ctx, `INSERT INTO imported_files (workspace_id, connection_id, filename, md5, size, report_types,
		last_modified, outcome, rows_read, error, imported_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		f.WorkspaceID, f.ConnectionID, f.Filename, f.MD5, f.Size, f.ReportTypes,
		t.s.tsp(f.LastModified), f.Outcome, f.Rows, f.Error, t.s.ts(time.Now())).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record file %s: %w", f.Filename, err)
	}
	return id, nil
}

// FinishFile records what was found in a file, once it is read.
func (t *Tx) FinishFile(ctx context.Context, id int64, rows int, reportTypes string) error {
	_, err := t.exec(ctx, `UPDATE imported_files SET rows_read = $1, report_types = $2 WHERE id = $3`, rows, reportTypes, id)
	if err != nil {
		return fmt.Errorf("record file: %w", err)
	}
	return nil
}

// OtherFilesHaveFacts says whether any file of the connection other than
// fileID and the skipped ones (the dead files of GroupsInOtherFiles) holds
// facts. When none does, no group that fileID brings has facts elsewhere,
// and an import can skip asking that of every batch of its groups. It asks
// each of the connection's files, through the index that leads with the
// file, rather than scanning the connection's facts.
func (t *Tx) OtherFilesHaveFacts(ctx context.Context, connectionID string, fileID int64, skip []int64) (bool, error) {
	args := sqlArgs{connectionID}
	q := `SELECT EXISTS (SELECT 1 FROM imported_files i WHERE i.connection_id = $1 AND ` + notInList(t.s.dialect, &args, "i.id", append([]int64{fileID}, skip...))
	var some bool
	if err := t.queryRow(ctx, q+` AND EXISTS (SELECT 1 FROM facts f WHERE f.file_id = i.id))`, args...).Scan(&some); err != nil {
		return false, fmt.Errorf("other files with facts: %w", err)
	}
	return some, nil
}

// RecordRejectedFile notes a file that failed, outside the rolled-back
// transaction that tried to apply it, so the failure stays visible.
func (s *Store) RecordRejectedFile(ctx context.Context, f ImportedFile) error {
	f.Outcome = FileRejected
	return s.Write(ctx, func(tx *Tx) error {
		known, err := s.FileKnown(ctx, f.ConnectionID, f.Filename, f.MD5)
		if err != nil || known {
			return err
		}
		_, err = tx.AddFile(ctx, f)
		return err
	})
}

// ImportedFiles lists a connection's files, newest first.
func (s *Store) ImportedFiles(ctx context.Context, workspaceID, connectionID string, limit int) ([]ImportedFile, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, workspace_id, connection_id, filename, md5, size, report_types,
		last_modified, outcome, rows_read, error, imported_at FROM imported_files
		WHERE workspace_id = $1 AND connection_id = $2 ORDER BY id DESC LIMIT $3`, workspaceID, connectionID, limit)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	return collect(rows, func(r rowScanner) (ImportedFile, error) {
		var f ImportedFile
		var modified, imported scanTime
		if err := r.Scan(&f.ID, &f.WorkspaceID, &f.ConnectionID, &f.Filename, &f.MD5, &f.Size, &f.ReportTypes,
			&modified, &f.Outcome, &f.Rows, &f.Error, &imported); err != nil {
			return f, fmt.Errorf("read file: %w", err)
		}
		f.LastModified, f.ImportedAt = modified.ptr(), imported.T
		return f, nil
	})
}
