package money

import (
	"fmt"
	"strings"
)

// rateExponent reads rates to millionths of a percent, so that the
// rounding to hundredths below sees every digit a report is likely to give.
const rateExponent = 6

// ParseRate reads a percentage ("7.51", "4", "7,5", "7.51%") into
// hundredths of a percent (751, 400, 750). A rate is never in the
// thousands, so a lone separator is always the decimal one. Digits beyond
// the hundredths are rounded half away from zero: rates are informative
// (reports give the commission itself), not money.
func ParseRate(s string, hint DecimalHint) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "%")
	if hint == HintNone && strings.Count(t, ".")+strings.Count(t, ",") == 1 {
		hint = HintDot
		if strings.Contains(t, ",") {
			hint = HintComma
		}
	}
	millionths, err := ParseMinor(t, rateExponent, hint)
	if err != nil {
		return 0, fmt.Errorf("rate: %w", err)
	}
	q, r := millionths/10000, millionths%10000
	switch {
	case r >= 5000:
		q++
	case r <= -5000:
		q--
	}
	return q, nil
}

// FormatRate renders hundredths of a percent: 751 → "7.51".
func FormatRate(hundredths int64) string { return FormatMinor(hundredths, 2) }
