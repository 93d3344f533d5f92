package money

import (
	"fmt"
	"math"
)

// AddMinor adds exactly, or reports ErrOverflow.
func AddMinor(a, b int64) (int64, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, fmt.Errorf("%d + %d: %w", a, b, ErrOverflow)
	}
	return s, nil
}

// MulMinor multiplies exactly (an amount by a quantity), or reports ErrOverflow.
func MulMinor(a, n int64) (int64, error) {
	if a == 0 || n == 0 {
		return 0, nil
	}
	// MinInt64 × -1 is the one product that the division check cannot see.
	if (a == -1 && n == math.MinInt64) || (n == -1 && a == math.MinInt64) {
		return 0, fmt.Errorf("%d × %d: %w", a, n, ErrOverflow)
	}
	p := a * n
	if p/n != a {
		return 0, fmt.Errorf("%d × %d: %w", a, n, ErrOverflow)
	}
	return p, nil
}

// SumMinor adds many amounts exactly, or reports ErrOverflow.
func SumMinor(xs ...int64) (int64, error) {
	var total int64
	for _, x := range xs {
		var err error
		if total, err = AddMinor(total, x); err != nil {
			return 0, err
		}
	}
	return total, nil
}
