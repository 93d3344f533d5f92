package money

import "fmt"

// Amount is an exact sum of money in one currency.
type Amount struct {
	Minor    int64
	Currency string
}

// String renders "12.34 USD". An unknown currency is shown with two
// decimals, the most common exponent, since String cannot fail.
func (a Amount) String() string {
	exp := 2
	if c, ok := LookupCurrency(a.Currency); ok {
		exp = c.Exponent
	}
	return FormatMinor(a.Minor, exp) + " " + a.Currency
}

// Parse reads an amount of a known currency; see ParseMinor for the forms.
func Parse(s, currency string, hint DecimalHint) (Amount, error) {
	c, ok := LookupCurrency(currency)
	if !ok {
		return Amount{}, fmt.Errorf("amount %q: unknown currency %q: %w", s, currency, ErrSyntax)
	}
	minor, err := ParseMinor(s, c.Exponent, hint)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: minor, Currency: c.Code}, nil
}
