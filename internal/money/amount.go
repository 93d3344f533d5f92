package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Errors of parsing and arithmetic; the returned errors wrap them with detail.
var (
	ErrOverflow  = errors.New("amount out of range")
	ErrSyntax    = errors.New("not an amount")
	ErrAmbiguous = errors.New("ambiguous decimal separator")
	ErrPrecision = errors.New("more decimals than the currency has")
)

// Amount is an exact sum of money.
type Amount struct {
	Minor    int64
	Currency string
}

// String renders "12.34 USD".
func (a Amount) String() string {
	exp := 2
	if c, ok := LookupCurrency(a.Currency); ok {
		exp = c.Exponent
	}
	return FormatMinor(a.Minor, exp) + " " + a.Currency
}

// Parse reads an amount of a known currency.
func Parse(s, currency string, hint DecimalHint) (Amount, error) {
	c, ok := LookupCurrency(currency)
	if !ok {
		return Amount{}, fmt.Errorf("currency %q: %w", currency, ErrSyntax)
	}
	minor, err := ParseMinor(s, c.Exponent, hint)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: minor, Currency: c.Code}, nil
}

// FormatMinor renders minor units as a decimal: (1234, 2) → "12.34",
// (-60, 2) → "-0.60", (1234, 0) → "1234".
func FormatMinor(minor int64, exponent int) string {
	neg := minor < 0
	var digits string
	if neg {
		// Through uint64 so that math.MinInt64 has a magnitude.
		digits = strconv.FormatUint(uint64(-(minor+1))+1, 10)
	} else {
		digits = strconv.FormatInt(minor, 10)
	}
	if exponent > 0 {
		if len(digits) <= exponent {
			digits = strings.Repeat("0", exponent-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-exponent] + "." + digits[len(digits)-exponent:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// AddMinor adds exactly or reports overflow.
func AddMinor(a, b int64) (int64, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, fmt.Errorf("%d + %d: %w", a, b, ErrOverflow)
	}
	return s, nil
}

// MulMinor multiplies exactly (an amount by a quantity) or reports overflow.
func MulMinor(a, n int64) (int64, error) {
	if a == 0 || n == 0 {
		return 0, nil
	}
	p := a * n
	if p/n != a || (a == -1 && n == math.MinInt64) || (n == -1 && a == math.MinInt64) {
		return 0, fmt.Errorf("%d × %d: %w", a, n, ErrOverflow)
	}
	return p, nil
}

// SumMinor adds many amounts exactly.
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
