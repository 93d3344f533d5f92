package money

import "errors"

// Sentinel errors of parsing and arithmetic. The errors returned wrap them
// with the offending input, so callers test with errors.Is.
var (
	ErrOverflow  = errors.New("amount out of range")
	ErrSyntax    = errors.New("not an amount")
	ErrAmbiguous = errors.New("ambiguous decimal separator")
	ErrPrecision = errors.New("more decimals than the currency has")
)
