package transport

import (
	"context"
	"errors"
	"fmt"

	"github.com/affsync/affsync/internal/network"
)

// ReportFile and Source are the network seam's (internal/network): the
// Creators API and the DataFeed are two implementations of it.
type (
	ReportFile = network.ReportFile
	Source     = network.Source
)

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
