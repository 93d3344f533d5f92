package reportfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"
)

// Open walks every table of one input, streaming, and calls fn for each.
// name is the file name, used to sniff and in errors.
// Memory stays flat in file size, except for XML reports, whose items are
// held until the document ends (see readXML), and the occurrence counts of
// row keys that a normaliser keeps. A ZIP (and an XLSX) is spooled to a
// temporary file, bounded by lim.MaxMemberBytes, because its directory is at
// its end. Every failure caused by the input is an *Error.
//
// reports says what the network's report files look like (its
// network.Rules.Files); nil reads only person-written files.
func Open(name string, r io.Reader, reports Reports, lim Limits, fn func(*Table) error) error {
	if reports == nil {
		reports = NoReports{}
	}
	return open(name, r, config{Limits: lim.withDefaults(), reports: reports}, fn, 0)
}

func open(name string, r io.Reader, lim config, fn func(*Table) error, depth int) error {
	if depth > 3 {
		return errorf(name, 0, 0, "archives nested too deep")
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	switch {
	case len(head) == 0:
		return readText(name, br, lim, fn) // a zero-byte file: a report of no rows
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return &Error{File: name, Msg: "not a valid gzip file: " + err.Error(), Err: err}
		}
		zr.Multistream(true)
		// The inner stream keeps the file's name: errors name what the user has.
		return open(name, newLimitReader(zr, name, "decompressed size", lim.MaxMemberBytes), lim, fn, depth+1)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return readZip(name, br, lim, fn, depth)
	case looksLikeXML(head):
		return readXML(name, br, lim, fn)
	case isBinary(head):
		return errorf(name, 1, 1, "not a report: binary data that is neither gzip, ZIP, XLSX, XML nor text (UTF-16 text too is not read: save it as UTF-8)")
	default:
		return readText(name, br, lim, fn)
	}
}

func looksLikeXML(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	return bytes.HasPrefix(t, []byte("<?xml")) || bytes.HasPrefix(t, []byte("<Data")) || bytes.HasPrefix(t, []byte("<"))
}

// isBinary tells bytes that are no text in any encoding we read.
func isBinary(head []byte) bool {
	for _, c := range head {
		if c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
			return true
		}
	}
	return false
}

// limitReader fails once more than limit bytes came out of a decompressor
// (or into a spool), and names corrupt compressed data as such.
type limitReader struct {
	r     io.Reader
	left  int64
	limit int64
	name  string
	what  string // "decompressed size", "archive size"
}

func newLimitReader(r io.Reader, name, what string, limit int64) *limitReader {
	return &limitReader{r: r, left: limit, limit: limit, name: name, what: what}
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a file of exactly the limit from a larger one.
		var b [1]byte
		if n, _ := l.r.Read(b[:]); n == 0 {
			return 0, io.EOF
		}
		return 0, errorf(l.name, 0, 0, "%s exceeds the %s limit", l.what, byteSize(l.limit))
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, &Error{File: l.name, Msg: "corrupt or truncated compressed data: " + err.Error(), Err: err}
	}
	return n, err
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

// readZip reads every member of a ZIP archive (or an XLSX workbook). ZIP
// needs random access, so the archive is spooled to a temporary file,
// bounded by the size limit.
func readZip(name string, r io.Reader, lim config, fn func(*Table) error, depth int) error {
	tmp, err := os.CreateTemp("", "affsync-zip-*")
	if err != nil {
		return fmt.Errorf("spool %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, newLimitReader(r, name, "archive size", lim.MaxMemberBytes))
	if err != nil {
		return locate(err, name, 0)
	}
	zr, err := zip.NewReader(tmp, n)
	if err != nil {
		return &Error{File: name, Msg: "not a valid ZIP archive: " + err.Error(), Err: err}
	}
	if isXLSX(zr) {
		return readXLSX(name, tmp, lim, fn)
	}
	if len(zr.File) > lim.MaxMembers {
		return errorf(name, 0, 0, "holds %d members, more than the limit of %d", len(zr.File), lim.MaxMembers)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(path.Base(f.Name), ".") || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		member := name + "/" + f.Name
		// The declared size stops an honest bomb at once; the limit reader
		// stops one that lies in its header.
		if f.UncompressedSize64 > uint64(lim.MaxMemberBytes) {
			return errorf(member, 0, 0, "decompressed size exceeds the %s limit (zip bomb?)", byteSize(lim.MaxMemberBytes))
		}
		rc, err := f.Open()
		if err != nil {
			return &Error{File: member, Msg: "cannot open ZIP member: " + err.Error(), Err: err}
		}
		err = open(member, newLimitReader(rc, member, "decompressed size", lim.MaxMemberBytes), lim, fn, depth+1)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func isXLSX(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if f.Name == "xl/workbook.xml" {
			return true
		}
	}
	return false
}
