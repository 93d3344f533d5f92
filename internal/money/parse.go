package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// DecimalHint says which character is the decimal separator where a string
// alone cannot tell ("1,234" is 1234 in the US and 1.234 in Germany).
type DecimalHint int

const (
	HintNone DecimalHint = iota
	HintDot
	HintComma
)

// ParseMinor reads an amount as reports write it ("1,234.56", "1.234,56",
// "-0,60", "$12.34", "12,34 €", "(1.00)", "1 234,56", "1'234.56",
// "1,23,456.00") into minor units of a currency with the given exponent.
func ParseMinor(s string, exponent int, hint DecimalHint) (int64, error) {
	neg, body, err := splitSign(s)
	if err != nil {
		return 0, err
	}
	intPart, frac, err := splitDecimal(s, body, hint)
	if err != nil {
		return 0, err
	}
	if len(frac) > exponent {
		if strings.Trim(frac[exponent:], "0") != "" {
			return 0, fmt.Errorf("%q has %d decimals, the currency %d: %w", s, len(frac), exponent, ErrPrecision)
		}
		frac = frac[:exponent]
	}
	frac += strings.Repeat("0", exponent-len(frac))
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return 0, nil
	}
	if neg {
		digits = "-" + digits
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q: %w", s, ErrOverflow)
		}
		return 0, fmt.Errorf("%q: %w", s, ErrSyntax)
	}
	return n, nil
}

// splitSign strips spaces, currency symbols and codes, and the sign (a
// leading or trailing minus, or accounting parentheses), leaving digits and
// separators.
func splitSign(s string) (neg bool, body string, err error) {
	var b strings.Builder
	signs := 0
	prevLetter := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9', r == '.' && !prevLetter, r == ',':
			b.WriteRune(r)
		case r == '-' || r == '\u2212':
			neg = true
			signs++
		case r == '+':
			signs++
		case r == '(' || r == ')':
			if r == '(' {
				neg = true
				signs++
			}
		case r == '.' && prevLetter: // "Rs." abbreviation dot
		case unicode.IsSpace(r), r == '\u00a0', r == '\u202f', r == '\'', r == '\u2019':
			// group separators and padding
			if b.Len() > 0 {
				b.WriteRune('_') // remembered as a group separator
			}
		case unicode.IsLetter(r), unicode.Is(unicode.Sc, r):
		default:
			return false, "", fmt.Errorf("%q: unexpected %q: %w", s, r, ErrSyntax)
		}
		prevLetter = unicode.IsLetter(r)
	}
	body = strings.Trim(b.String(), "_")
	if signs > 1 {
		return false, "", fmt.Errorf("%q: more than one sign: %w", s, ErrSyntax)
	}
	if body == "" || strings.Trim(body, "_.,") == "" {
		return false, "", fmt.Errorf("%q: no digits: %w", s, ErrSyntax)
	}
	if strings.HasPrefix(s, "(") != strings.HasSuffix(strings.TrimSpace(s), ")") {
		return false, "", fmt.Errorf("%q: unbalanced parentheses: %w", s, ErrSyntax)
	}
	return neg, body, nil
}

// splitDecimal finds the decimal separator and checks the grouping.
func splitDecimal(orig, body string, hint DecimalHint) (intPart, frac string, err error) {
	lastDot, lastComma := strings.LastIndexByte(body, '.'), strings.LastIndexByte(body, ',')
	dots, commas := strings.Count(body, "."), strings.Count(body, ",")
	dec := byte(0)
	switch {
	case dots > 0 && commas > 0:
		dec = '.'
		if lastComma > lastDot {
			dec = ','
		}
	case dots+commas == 1:
		sep := byte('.')
		at := lastDot
		if commas == 1 {
			sep, at = ',', lastComma
		}
		before, after := body[:at], body[at+1:]
		switch {
		case len(after) != 3, strings.Contains(before, "_"), len(strings.TrimLeft(before, "0")) == 0,
			len(before) > 3, before[0] == '0':
			dec = sep // cannot be a thousands separator
		case hint == HintDot:
			if sep == '.' {
				dec = '.'
			}
		case hint == HintComma:
			if sep == ',' {
				dec = ','
			}
		default:
			return "", "", fmt.Errorf("%q could be %s or %s: %w", orig, strings.Replace(body, string(sep), "", 1), body, ErrAmbiguous)
		}
	}
	intPart = body
	if dec != 0 {
		i := strings.LastIndexByte(body, dec)
		intPart, frac = body[:i], body[i+1:]
		if strings.ContainsAny(frac, ".,_") {
			return "", "", fmt.Errorf("%q: separators after the decimal one: %w", orig, ErrSyntax)
		}
	}
	group := "."
	if dec == '.' {
		group = ","
	}
	if dec == 0 && commas > 0 {
		group = ","
	}
	intPart = strings.ReplaceAll(intPart, "_", group)
	if strings.ContainsRune(intPart, rune(dec)) && dec != 0 {
		return "", "", fmt.Errorf("%q: decimal separator twice: %w", orig, ErrSyntax)
	}
	if strings.Contains(intPart, group) {
		if !validGrouping(strings.Split(intPart, group)) {
			return "", "", fmt.Errorf("%q: digit groups in the wrong places: %w", orig, ErrSyntax)
		}
		intPart = strings.ReplaceAll(intPart, group, "")
	}
	if strings.ContainsAny(intPart, ".,") {
		return "", "", fmt.Errorf("%q: mixed group separators: %w", orig, ErrSyntax)
	}
	if intPart == "" {
		intPart = "0"
	}
	return intPart, frac, nil
}

// validGrouping accepts thousands groups (1,234,567) and the Indian lakh
// grouping (12,34,567).
func validGrouping(groups []string) bool {
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	last := groups[len(groups)-1]
	if len(last) != 3 {
		return false
	}
	mid := groups[1 : len(groups)-1]
	all := func(n int) bool {
		for _, g := range mid {
			if len(g) != n {
				return false
			}
		}
		return true
	}
	return all(3) || (all(2) && len(groups[0]) <= 2)
}

// ParseRate reads a percentage ("7.51", "4", "7,5", "7.51%") into
// hundredths of a percent (751, 400, 750), rounding half away from zero
// beyond two decimals.
func ParseRate(s string, hint DecimalHint) (int64, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if hint == HintNone && strings.Count(t, ".")+strings.Count(t, ",") == 1 {
		// A rate is never in the thousands: a lone separator is the decimal one.
		hint = HintDot
		if strings.Contains(t, ",") {
			hint = HintComma
		}
	}
	v, err := ParseMinor(t, 6, hint)
	if err != nil {
		return 0, fmt.Errorf("rate %w", err)
	}
	q, r := v/10000, v%10000
	switch {
	case r >= 5000:
		q++
	case r <= -5000:
		q--
	}
	return q, nil
}

// FormatRate renders hundredths of a percent: 751 → "7.51".
func FormatRate(r int64) string { return FormatMinor(r, 2) }
