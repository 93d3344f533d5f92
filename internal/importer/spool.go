package importer

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
)

// spoolRun is how many facts the spool sorts in memory before it writes
// them out as one sorted run: memory stays flat however large the file.
const spoolRun = 8192

// groupSpool keeps a copy of a file's grouped facts, sorted by group, so
// that the groups the file brings can be projected without reading the
// facts back from the store (project). It is an external sort: runs of
// spoolRun facts, each sorted in memory and written to one temporary file,
// then merged. The reader goroutine fills it, so its cost hides behind the
// store's writes; facts of no group (a Tracking row) are not kept.
type groupSpool struct {
	runSize int // facts per run (spoolRun)
	file    *os.File
	w       *bufio.Writer
	buf     []store.GroupedFact
	runs    []spoolSegment
	off     int64
	enc     []byte
	facts   int
	// Every fact of one file has the same connection and file name: they
	// are kept once, from the first fact, not written with each.
	connectionID, fileName string
}

// spoolSegment is one sorted run: where it starts in the file, how long it is.
type spoolSegment struct{ off, size int64 }

func newGroupSpool(runSize int) (*groupSpool, error) {
	f, err := os.CreateTemp("", "affsync-groups-*")
	if err != nil {
		return nil, fmt.Errorf("group spool: %w", err)
	}
	os.Remove(f.Name()) // gone with its last descriptor, whatever happens
	return &groupSpool{runSize: runSize, file: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// Close releases the spool's file.
func (s *groupSpool) Close() error { return s.file.Close() }

// add keeps one fact.
func (s *groupSpool) add(g store.GroupedFact) error {
	if g.Group == "" {
		return nil
	}
	if s.facts == 0 {
		s.connectionID, s.fileName = g.ConnectionID, g.File
	}
	s.buf = append(s.buf, g)
	s.facts++
	if len(s.buf) >= s.runSize {
		return s.flush()
	}
	return nil
}

// flush writes the facts in memory as one sorted run.
func (s *groupSpool) flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	slices.SortStableFunc(s.buf, func(a, b store.GroupedFact) int { return cmp.Compare(a.Group, b.Group) })
	start := s.off
	for i := range s.buf {
		s.enc = encodeFact(s.enc[:0], &s.buf[i])
		n, err := s.w.Write(s.enc)
		s.off += int64(n)
		if err != nil {
			return fmt.Errorf("group spool: %w", err)
		}
	}
	s.runs = append(s.runs, spoolSegment{start, s.off - start})
	clear(s.buf) // let the strings go
	s.buf = s.buf[:0]
	return nil
}

// groups merges the runs: next hands out the facts of up to limit whole
// groups at a time, in group order, and nil after the last.
func (s *groupSpool) groups(fileID int64) (next func(limit int) ([]string, []store.GroupedFact, error), err error) {
	if err := s.flush(); err != nil {
		return nil, err
	}
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("group spool: %w", err)
	}
	s.buf = nil
	h := &runHeap{}
	for _, r := range s.runs {
		rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(s.file, r.off, r.size), 16<<10)}
		ok, err := rr.next()
		if err != nil {
			return nil, err
		}
		if ok {
			h.runs = append(h.runs, rr)
		}
	}
	heap.Init(h)
	return func(limit int) ([]string, []store.GroupedFact, error) {
		var groups []string
		var facts []store.GroupedFact
		for h.Len() > 0 {
			top := h.runs[0]
			if g := top.head.Group; len(groups) == 0 || groups[len(groups)-1] != g {
				if len(groups) == limit {
					break
				}
				groups = append(groups, g)
			}
			f := top.head
			f.ConnectionID, f.File, f.FileID = s.connectionID, s.fileName, fileID
			facts = append(facts, f)
			ok, err := top.next()
			if err != nil {
				return nil, nil, err
			}
			if ok {
				heap.Fix(h, 0)
			} else {
				heap.Pop(h)
			}
		}
		return groups, facts, nil
	}, nil
}

// runReader reads one sorted run back.
type runReader struct {
	r    *bufio.Reader
	head store.GroupedFact
}

func (rr *runReader) next() (bool, error) {
	g, err := decodeFact(rr.r)
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("group spool: %w", err)
	}
	rr.head = g
	return true, nil
}

// runHeap orders the runs by their next fact's group (the order of a
// group's facts is lifecycle.Project's to decide).
type runHeap struct{ runs []*runReader }

func (h *runHeap) Len() int { return len(h.runs) }
func (h *runHeap) Less(i, j int) bool {
	return h.runs[i].head.Group < h.runs[j].head.Group
}
func (h *runHeap) Swap(i, j int) { h.runs[i], h.runs[j] = h.runs[j], h.runs[i] }
func (h *runHeap) Push(x any)    { h.runs = append(h.runs, x.(*runReader)) }
func (h *runHeap) Pop() any {
	last := h.runs[len(h.runs)-1]
	h.runs = h.runs[:len(h.runs)-1]
	return last
}

// encodeFact appends a fact in the spool's form: its strings length-prefixed,
// its numbers as varints. Its connection, file and file id are the spool's,
// not written.
func encodeFact(b []byte, g *store.GroupedFact) []byte {
	f := &g.Fact
	for _, s := range [...]string{g.Group, string(f.Report), f.Key, f.Program, f.Currency, f.TrackingID,
		f.Subtag, f.ASIN, f.Name, f.Category, f.Seller, f.Device, f.LinkType} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	direct := int64(0)
	if f.Direct != nil {
		direct = 1
		if *f.Direct {
			direct = 2
		}
	}
	for _, n := range [...]int64{int64(f.Line), f.Day.Unix(), direct, f.Price, f.Quantity, f.Returns, f.Revenue, f.Commission, f.Rate,
		f.Clicks, f.ItemsOrdered, f.ItemsShipped} {
		b = binary.AppendVarint(b, n)
	}
	return b
}

// decodeFact reads what encodeFact wrote; io.EOF at a fact's start is the
// end of the run.
func decodeFact(r *bufio.Reader) (store.GroupedFact, error) {
	var g store.GroupedFact
	f := &g.Fact
	var report string
	for i, dst := range [...]*string{&g.Group, &report, &f.Key, &f.Program, &f.Currency, &f.TrackingID,
		&f.Subtag, &f.ASIN, &f.Name, &f.Category, &f.Seller, &f.Device, &f.LinkType} {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return g, err
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return g, err
		}
		*dst = string(buf)
	}
	f.Report = model.ReportType(report)
	var nums [12]int64
	for i := range nums {
		n, err := binary.ReadVarint(r)
		if err != nil {
			return g, noEOF(err)
		}
		nums[i] = n
	}
	f.Line, f.Day = int(nums[0]), time.Unix(nums[1], 0).UTC()
	if nums[2] > 0 {
		d := nums[2] == 2
		f.Direct = &d
	}
	f.Price, f.Quantity, f.Returns, f.Revenue, f.Commission, f.Rate = nums[3], nums[4], nums[5], nums[6], nums[7], nums[8]
	f.Clicks, f.ItemsOrdered, f.ItemsShipped = nums[9], nums[10], nums[11]
	return g, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
