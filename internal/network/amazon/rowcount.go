package amazon

import (
	"encoding/binary"
	"fmt"
	"os"
)

// rowCounter numbers the equal key bases of one table, #1, #2… (see
// normaliser.key), by a 64-bit hash of the base. The counts stay in a map
// up to memRows distinct bases; past that they move to a temporary file,
// an open-addressing table read and written in place, so a table of any
// size costs the same memory: the rows of a file need not come in any
// order, and any earlier row may be equal to the next one.
type rowCounter struct {
	memRows int
	mem     map[uint64]uint32
	disk    *diskCounts
}

// countRows is how many distinct bases a table counts in memory (some 25
// MB) before its counts move to a file.
const countRows = 1 << 20

func newRowCounter(memRows int) *rowCounter {
	return &rowCounter{memRows: memRows, mem: map[uint64]uint32{}}
}

// next counts one more row of base hash h and answers its number.
func (c *rowCounter) next(h uint64) (uint32, error) {
	if c.disk != nil {
		return c.disk.next(h)
	}
	c.mem[h]++
	n := c.mem[h]
	if len(c.mem) > c.memRows {
		d, err := newDiskCounts(4 * len(c.mem))
		if err != nil {
			return 0, err
		}
		for k, v := range c.mem {
			if err := d.set(k, v); err != nil {
				d.close()
				return 0, err
			}
		}
		c.mem, c.disk = nil, d
	}
	return n, nil
}

// Close removes the file, if one was made.
func (c *rowCounter) Close() error {
	if c.disk == nil {
		return nil
	}
	return c.disk.close()
}

// diskCounts is a linear-probing hash table of (hash, count) slots in a
// file, at most half full. Hash 0 marks an empty slot, so a base whose hash
// is 0 is counted as 1: a collision like any other (see normaliser.key).
type diskCounts struct {
	f     *os.File
	slots int64 // a power of two
	used  int64
	block [diskBlock]byte
}

const (
	slotSize  = 16 // hash, count, padding
	diskBlock = 4096
)

func newDiskCounts(atLeast int) (*diskCounts, error) {
	f, err := os.CreateTemp("", "affsync-rowcounts-*")
	if err != nil {
		return nil, fmt.Errorf("count equal rows: %w", err)
	}
	os.Remove(f.Name()) // gone with its descriptor, whatever happens
	slots := int64(diskBlock / slotSize)
	for slots < int64(atLeast) {
		slots *= 2
	}
	if err := f.Truncate(slots * slotSize); err != nil {
		f.Close()
		return nil, fmt.Errorf("count equal rows: %w", err)
	}
	return &diskCounts{f: f, slots: slots}, nil
}

func (d *diskCounts) close() error { return d.f.Close() }

// next adds one to h's count and answers it.
func (d *diskCounts) next(h uint64) (uint32, error) {
	slot, n, err := d.find(h)
	if err != nil {
		return 0, err
	}
	n++
	if err := d.write(slot, h, n); err != nil {
		return 0, err
	}
	if n == 1 {
		d.used++
		if 2*d.used > d.slots {
			return n, d.grow()
		}
	}
	return n, nil
}

// set stores h's count (h not held yet).
func (d *diskCounts) set(h uint64, n uint32) error {
	slot, _, err := d.find(h)
	if err != nil {
		return err
	}
	d.used++
	return d.write(slot, h, n)
}

// find answers h's slot and count, or the empty slot where it goes and 0.
// Probing reads a block of slots at a time.
func (d *diskCounts) find(h uint64) (int64, uint32, error) {
	if h == 0 {
		h = 1
	}
	per := int64(diskBlock / slotSize)
	slot := int64(h) & (d.slots - 1)
	for {
		first := slot &^ (per - 1)
		if _, err := d.f.ReadAt(d.block[:], first*slotSize); err != nil {
			return 0, 0, fmt.Errorf("count equal rows: %w", err)
		}
		for i := slot - first; i < per; i++ {
			b := d.block[i*slotSize:]
			switch k := binary.LittleEndian.Uint64(b); k {
			case 0:
				return first + i, 0, nil
			case h:
				return first + i, binary.LittleEndian.Uint32(b[8:]), nil
			}
		}
		slot = (first + per) & (d.slots - 1)
	}
}

func (d *diskCounts) write(slot int64, h uint64, n uint32) error {
	if h == 0 {
		h = 1
	}
	var b [slotSize]byte
	binary.LittleEndian.PutUint64(b[:], h)
	binary.LittleEndian.PutUint32(b[8:], n)
	if _, err := d.f.WriteAt(b[:], slot*slotSize); err != nil {
		return fmt.Errorf("count equal rows: %w", err)
	}
	return nil
}

// grow moves every count into a table twice the size.
func (d *diskCounts) grow() error {
	bigger, err := newDiskCounts(int(2 * d.slots))
	if err != nil {
		return err
	}
	var buf [diskBlock * 16]byte
	for off := int64(0); off < d.slots*slotSize; off += int64(len(buf)) {
		n, err := d.f.ReadAt(buf[:min(int64(len(buf)), d.slots*slotSize-off)], off)
		if err != nil {
			bigger.close()
			return fmt.Errorf("count equal rows: %w", err)
		}
		for i := 0; i+slotSize <= n; i += slotSize {
			if h := binary.LittleEndian.Uint64(buf[i:]); h != 0 {
				if err := bigger.set(h, binary.LittleEndian.Uint32(buf[i+8:])); err != nil {
					bigger.close()
					return err
				}
			}
		}
	}
	d.f.Close()
	*d = *bigger
	return nil
}
