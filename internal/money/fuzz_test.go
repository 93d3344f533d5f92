package money

import "testing"

// FuzzParseMinor checks that ParseMinor never panics and that whatever it
// accepts formats and re-parses to the same minor units.
func FuzzParseMinor(f *testing.F) {
	seeds := []string{
		"1,234.56", "1.234,56", "-0,60", "0,00", "$12.34", "12,34 €", "£1,000", "¥1,234", "Rs. 1,234.50",
		"€ -3,50", "-$1.00", "(1.00)", "+1.5", "1 234,56", "1\u00a0234,56", "1\u202f234,56", "1'234.56",
		"1,23,456.00", "7.990", "92233720368547758.07", "-92233720368547758.08", ".5", "", "1e5", "((1))",
	}
	for _, s := range seeds {
		for hint := range 3 {
			f.Add(s, 2, hint)
		}
		f.Add(s, 0, 0)
	}
	f.Fuzz(func(t *testing.T, s string, exp, hint int) {
		exp = ((exp % (maxExponent + 1)) + maxExponent + 1) % (maxExponent + 1)
		v, err := ParseMinor(s, exp, DecimalHint(((hint%3)+3)%3))
		if err != nil {
			return
		}
		text := FormatMinor(v, exp)
		back, err := ParseMinor(text, exp, HintDot)
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d, %v", s, v, text, back, err)
		}
	})
}
