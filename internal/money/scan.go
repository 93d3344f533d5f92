package money

import (
	"fmt"
	"strings"
	"unicode"
)

// number is an amount's text taken apart: its sign, and its digits with
// their separators, every space-like or apostrophe group separator written
// as '_'.
type number struct {
	neg  bool
	core string
}

// scan splits s into decoration before the digits (currency symbols and
// codes such as "$", "Rs.", "R$", a sign, an opening parenthesis), the
// digits with their separators, and decoration after them ("€", "kr", a
// closing parenthesis). Anything else, or digits after the decoration,
// makes it no amount.
func scan(s string) (number, error) {
	runes := []rune(strings.TrimFunc(s, unicode.IsSpace))
	if len(runes) == 0 {
		return number{}, fmt.Errorf("%w: empty", ErrSyntax)
	}
	var signs, minus, opens, closes int
	start := 0
	for ; start < len(runes); start++ {
		r := runes[start]
		if isDigit(r) || r == ',' || (r == '.' && !afterLetter(runes, start)) {
			break
		}
		switch {
		case r == '-' || r == '\u2212':
			signs++
			minus++
		case r == '+':
			signs++
		case r == '(':
			opens++
		case !isDecoration(runes, start):
			return number{}, fmt.Errorf("%w: unexpected %q", ErrSyntax, r)
		}
	}
	end := start
	for end < len(runes) && (isDigit(runes[end]) || runes[end] == '.' || runes[end] == ',' || isGroupMark(runes[end])) {
		end++
	}
	for end > start && isGroupMark(runes[end-1]) {
		end--
	}
	for i := end; i < len(runes); i++ {
		switch r := runes[i]; {
		case r == ')':
			closes++
		case !isDecoration(runes, i):
			return number{}, fmt.Errorf("%w: unexpected %q after the number", ErrSyntax, r)
		}
	}
	if err := checkSign(signs, opens, closes); err != nil {
		return number{}, err
	}
	core := strings.Map(func(r rune) rune {
		if isGroupMark(r) {
			return '_'
		}
		return r
	}, string(runes[start:end]))
	if !strings.ContainsFunc(core, isDigit) {
		return number{}, fmt.Errorf("%w: no digits", ErrSyntax)
	}
	return number{neg: minus == 1 || opens == 1, core: core}, nil
}

// checkSign allows one sign or one pair of accounting parentheses.
func checkSign(signs, opens, closes int) error {
	switch {
	case opens != closes:
		return fmt.Errorf("%w: unbalanced parentheses", ErrSyntax)
	case opens > 1 || signs > 1 || (opens == 1 && signs == 1):
		return fmt.Errorf("%w: more than one sign", ErrSyntax)
	}
	return nil
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isGroupMark tells the characters that group digits besides '.' and ',':
// spaces (also no-break and narrow no-break) and apostrophes (Swiss).
func isGroupMark(r rune) bool {
	return unicode.IsSpace(r) || r == '\'' || r == '\u2019'
}

// isDecoration tells what may surround the number: spaces, letters of a
// currency code or name, currency symbols, and the dot that abbreviates
// a name ("Rs.").
func isDecoration(runes []rune, i int) bool {
	r := runes[i]
	return unicode.IsSpace(r) || unicode.IsLetter(r) || unicode.Is(unicode.Sc, r) || (r == '.' && afterLetter(runes, i))
}

func afterLetter(runes []rune, i int) bool { return i > 0 && unicode.IsLetter(runes[i-1]) }
