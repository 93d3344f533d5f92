package money

import (
	"strconv"
	"strings"
)

// FormatMinor renders minor units as a plain decimal with a dot:
// (1234, 2) → "12.34", (-60, 2) → "-0.60", (1234, 0) → "1234".
// ParseMinor(FormatMinor(m, e), e, HintDot) == m for every m.
func FormatMinor(minor int64, exponent int) string {
	neg := minor < 0
	// The magnitude goes through uint64 so that math.MinInt64 has one.
	mag := uint64(minor)
	if neg {
		mag = -mag
	}
	digits := strconv.FormatUint(mag, 10)
	if exponent > 0 {
		if len(digits) <= exponent {
			digits = strings.Repeat("0", exponent-len(digits)+1) + digits
		}
		cut := len(digits) - exponent
		digits = digits[:cut] + "." + digits[cut:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// FormatIn renders minor units of a currency with its own exponent:
// (1234, "USD") → "12.34", (1234, "JPY") → "1234". An unknown code is
// taken to have two decimals, as most currencies do.
func FormatIn(minor int64, currency string) string {
	exp := 2
	if c, ok := LookupCurrency(currency); ok {
		exp = c.Exponent
	}
	return FormatMinor(minor, exp)
}
