package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// ReportFile is one listed report file.
type ReportFile struct {
	Name         string
	Size         int64     // bytes, as listed
	MD5          string    // lowercase hex of the file bytes, as listed
	LastModified time.Time // UTC
}

// Source lists and opens report files; one implementation per transport.
// Files of report types affsync does not import (cp-utm-source…) are listed
// like any other: skipping them, with a note, is the caller's business.
type Source interface {
	List(ctx context.Context) ([]ReportFile, error)
	// Open downloads the file, verifies size and MD5 (spooling to a temp file;
	// a mismatch is an error that names the file and both values) and returns
	// a reader over the verified bytes; Close removes the spool.
	Open(ctx context.Context, f ReportFile) (io.ReadCloser, error)
}

// ErrNoReportFiles is Check's answer for an account that lists no file.
var ErrNoReportFiles = errors.New("no report files are listed for this account yet")

// Check validates a connection for real: a token (the Creators source gets
// one before listing), then at least one listed report. Its error says why
// through Classify.
func Check(ctx context.Context, s Source) ([]ReportFile, error) {
	files, err := s.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("check connection: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("check connection: %w", ErrNoReportFiles)
	}
	return files, nil
}
