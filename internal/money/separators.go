package money

import (
	"fmt"
	"strings"
)

// splitDecimal finds the decimal separator in core (digits, '.', ',' and
// '_' for other group marks) and returns the whole digits, their groups
// checked and removed, and the fraction digits.
func splitDecimal(core string, hint DecimalHint) (whole, frac string, err error) {
	mark, err := decimalMark(core, hint)
	if err != nil {
		return "", "", err
	}
	whole = core
	if mark != 0 {
		i := strings.LastIndexByte(core, mark)
		whole, frac = core[:i], core[i+1:]
		if strings.ContainsAny(frac, ".,_") {
			return "", "", fmt.Errorf("%w: a separator after the decimal one", ErrSyntax)
		}
		if strings.IndexByte(whole, mark) >= 0 {
			return "", "", fmt.Errorf("%w: decimal separator %q twice", ErrSyntax, mark)
		}
	}
	whole, err = ungroup(whole)
	if err != nil {
		return "", "", err
	}
	return whole, frac, nil
}

// decimalMark decides which of '.' and ',' is the decimal separator, or 0
// for none. With both, the last one is; a repeated one groups digits; a
// lone one is the decimal separator unless it is followed by exactly three
// digits after a plausible first group, where only the hint can tell.
func decimalMark(core string, hint DecimalHint) (byte, error) {
	dots, commas := strings.Count(core, "."), strings.Count(core, ",")
	switch {
	case dots > 0 && commas > 0:
		if strings.LastIndexByte(core, ',') > strings.LastIndexByte(core, '.') {
			return ',', nil
		}
		return '.', nil
	case dots+commas != 1:
		return 0, nil
	}
	mark := byte('.')
	if commas == 1 {
		mark = ','
	}
	i := strings.IndexByte(core, mark)
	if len(core)-i-1 != 3 || !couldBeFirstGroup(core[:i]) {
		return mark, nil
	}
	switch {
	case hint == HintDot && mark == '.', hint == HintComma && mark == ',':
		return mark, nil
	case hint == HintDot, hint == HintComma:
		return 0, nil
	}
	return 0, fmt.Errorf("%w: %q could separate thousands or decimals", ErrAmbiguous, mark)
}

// couldBeFirstGroup tells whether digits before a lone separator could be
// the first group of a grouped number: one to three digits, no leading zero.
func couldBeFirstGroup(s string) bool {
	if len(s) == 0 || len(s) > 3 || s[0] == '0' {
		return false
	}
	return !strings.ContainsAny(s, "_")
}

// ungroup checks the group separators of the whole part (one kind only, in
// valid places) and removes them.
func ungroup(whole string) (string, error) {
	var kinds []string
	for _, g := range []string{".", ",", "_"} {
		if strings.Contains(whole, g) {
			kinds = append(kinds, g)
		}
	}
	switch {
	case len(kinds) == 0:
		if whole == "" {
			return "0", nil
		}
		return whole, nil
	case len(kinds) > 1:
		return "", fmt.Errorf("%w: mixed group separators %q", ErrSyntax, kinds)
	}
	groups := strings.Split(whole, kinds[0])
	if !validGrouping(groups) {
		return "", fmt.Errorf("%w: digit groups in the wrong places", ErrSyntax)
	}
	return strings.Join(groups, ""), nil
}

// validGrouping accepts thousands groups (1,234,567) and the Indian lakh
// grouping (12,34,567): a first group of one to three digits, then groups
// of three, or of two ending in one of three.
func validGrouping(groups []string) bool {
	first, mid, last := groups[0], groups[1:len(groups)-1], groups[len(groups)-1]
	if len(first) == 0 || len(first) > 3 || len(last) != 3 {
		return false
	}
	allOf := func(n int) bool {
		for _, g := range mid {
			if len(g) != n {
				return false
			}
		}
		return true
	}
	return allOf(3) || (allOf(2) && len(first) <= 2)
}
