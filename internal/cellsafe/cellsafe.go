// Package cellsafe shapes the text of exported spreadsheet cells, so that
// the API's exports and the dashboard's write the same cell for the same
// value, and a spreadsheet opening a CSV export never runs a cell as a
// formula (CSV injection).
package cellsafe

import "strings"

// Separator joins a list of strings (customs) into one cell.
const Separator = ";"

// Join makes one cell of a list of strings (a transaction's customs).
func Join(values []string) string { return strings.Join(values, Separator) }

// Text guards a CSV cell: one that a spreadsheet would read as a formula
// (leading =, +, -, @, tab or carriage return) gets a leading apostrophe,
// which spreadsheets take as "text follows" and do not show.
//
// A negative amount such as -1.20 stays as it is: exports write amounts as
// exact decimals, and a spreadsheet must read them as the numbers they are,
// not as text. Only a cell that is wholly such a number is exempt; anything
// after it ("-1+cmd|…") makes it a formula again and it is guarded.
func Text(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || isNegativeDecimal(s) {
		return s
	}
	return "'" + s
}

// isNegativeDecimal reports whether s is -D or -D.D, D one or more ASCII
// digits: the form of a negative amount or count in an export.
func isNegativeDecimal(s string) bool {
	digits, ok := strings.CutPrefix(s, "-")
	if !ok {
		return false
	}
	whole, frac, dotted := strings.Cut(digits, ".")
	return allDigits(whole) && (!dotted || allDigits(frac))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
