package fxrate

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is an exact positive decimal as the ECB writes it ("1.0823",
// "163.45", "17238.39"): Coef × 10^-Scale. Rates are never floats.
type Decimal struct {
	Coef  int64
	Scale int8
}

// maxScale bounds the digits after the point; the ECB publishes at most six
// significant digits, so 18 leaves room without risking int64 overflow.
const maxScale = 18

// ParseDecimal reads a positive decimal: digits with at most one dot.
// Trailing zeros after the point are dropped, so equal rates compare equal
// whatever their spelling ("1.0800" and "1.08").
func ParseDecimal(s string) (Decimal, error) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if s == "" || (hasDot && frac == "") || intPart == "" && frac == "" {
		return Decimal{}, fmt.Errorf("rate %q is not a decimal number", s)
	}
	for _, part := range []string{intPart, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return Decimal{}, fmt.Errorf("rate %q is not a decimal number", s)
			}
		}
	}
	frac = strings.TrimRight(frac, "0")
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return Decimal{}, fmt.Errorf("rate %q is not positive", s)
	}
	if len(frac) > maxScale || len(digits) > 18 {
		return Decimal{}, fmt.Errorf("rate %q has too many digits", s)
	}
	coef, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return Decimal{}, fmt.Errorf("rate %q: %w", s, err)
	}
	return Decimal{Coef: coef, Scale: int8(len(frac))}, nil
}

// String renders the decimal in its shortest exact form: "1.0823".
func (d Decimal) String() string {
	s := strconv.FormatInt(d.Coef, 10)
	if d.Scale <= 0 {
		return s
	}
	n := int(d.Scale)
	if len(s) <= n {
		s = strings.Repeat("0", n-len(s)+1) + s
	}
	return s[:len(s)-n] + "." + s[len(s)-n:]
}

// Rat is the decimal as an exact rational.
func (d Decimal) Rat() *big.Rat {
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil)
	return new(big.Rat).SetFrac(big.NewInt(d.Coef), den)
}

// IsZero reports whether d is the zero value (no rate).
func (d Decimal) IsZero() bool { return d.Coef == 0 }
