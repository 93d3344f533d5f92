package transport

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/affsync/affsync/internal/network"
)

// spool is a verified report held in a temp file; Close removes it.
type spool struct {
	*os.File
}

func (s spool) Close() error {
	errClose := s.File.Close()
	errRemove := os.Remove(s.File.Name())
	if errClose != nil {
		return fmt.Errorf("close spooled report: %w", errClose)
	}
	if errRemove != nil {
		return fmt.Errorf("remove spooled report: %w", errRemove)
	}
	return nil
}

// MismatchError is a download whose bytes are not the listed ones.
type MismatchError struct {
	File      string
	What      string // "size" or "MD5"
	Want, Got string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("report %s: %s mismatch: listed %s, downloaded %s", e.File, e.What, e.Want, e.Got)
}

// Is makes a mismatch the seam's network.ErrFileChanged.
func (e *MismatchError) Is(target error) bool { return target == network.ErrFileChanged }

// spoolVerified copies body into a temp file in dir (the system's when
// empty), checks it against f's listed size and MD5, and returns it
// rewound. It reads at most one byte more than listed, so an oversized
// answer cannot fill the disk. On any error nothing is left behind.
func spoolVerified(body io.Reader, f ReportFile, dir string) (io.ReadCloser, error) {
	tmp, err := os.CreateTemp(dir, "affsync-report-*")
	if err != nil {
		return nil, permanent(fmt.Errorf("spool report %s: %w", f.Name, err))
	}
	s := spool{tmp}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	sum := md5.New()
	n, err := io.Copy(io.MultiWriter(tmp, sum), io.LimitReader(body, f.Size+1))
	if err != nil {
		return nil, fmt.Errorf("download report %s: %w", f.Name, redact(err)) // a cut transfer: retryable
	}
	if n != f.Size {
		got := fmt.Sprint(n)
		if n > f.Size {
			got = "more than " + fmt.Sprint(f.Size)
		}
		return nil, permanent(&MismatchError{File: f.Name, What: "size", Want: fmt.Sprint(f.Size) + " bytes", Got: got + " bytes"})
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != f.MD5 {
		return nil, permanent(&MismatchError{File: f.Name, What: "MD5", Want: f.MD5, Got: got})
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, permanent(fmt.Errorf("spool report %s: %w", f.Name, err))
	}
	ok = true
	return s, nil
}
