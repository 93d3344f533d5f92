package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DecimalHint says which character is the decimal separator where a string
// alone cannot tell ("1,234" is 1234 in the US and 1.234 in Germany).
type DecimalHint int

const (
	HintNone DecimalHint = iota
	HintDot
	HintComma
)

// maxExponent is the most minor-unit digits an int64 amount can sensibly
// carry; ISO 4217 itself never goes beyond 4.
const maxExponent = 18

// ParseMinor reads an amount as reports and people write it into minor
// units of a currency with the given exponent. It accepts "1,234.56",
// "1.234,56", "-0,60", "$12.34", "12,34 €", "Rs. 1,234.50", "€ -3,50",
// "(1.00)", "+1.5", spaces, no-break spaces and apostrophes as group
// separators ("1 234,56", "1'234.56") and Indian grouping ("1,23,456.00").
//
// A single "," or "." followed by exactly three digits ("1,234") could be
// either separator; the hint decides, or the error is ErrAmbiguous. Extra
// decimals must be zeros ("7.990" in USD), or the error is ErrPrecision.
func ParseMinor(s string, exponent int, hint DecimalHint) (int64, error) {
	if exponent < 0 || exponent > maxExponent {
		return 0, fmt.Errorf("amount %q: exponent %d is outside 0..%d", s, exponent, maxExponent)
	}
	n, err := scan(s)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	whole, frac, err := splitDecimal(n.core, hint)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	minor, err := toMinor(n.neg, whole, frac, exponent)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	return minor, nil
}

// toMinor joins whole and fraction digits into minor units.
func toMinor(neg bool, whole, frac string, exponent int) (int64, error) {
	if len(frac) > exponent {
		if strings.Trim(frac[exponent:], "0") != "" {
			return 0, fmt.Errorf("%w (%d decimals, the currency has %d)", ErrPrecision, len(frac), exponent)
		}
		frac = frac[:exponent]
	}
	frac += strings.Repeat("0", exponent-len(frac))
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, nil
	}
	if neg {
		digits = "-" + digits
	}
	minor, err := strconv.ParseInt(digits, 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, ErrOverflow
	}
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	return minor, nil
}
