package reportfile

// What the external tests (package reportfile_test, which read Amazon's
// fixtures through internal/network/amazon/files) need of the internals.
var (
	NormaliseHeader  = normaliseHeader
	CurrencySuffixes = currencySuffixes
	SplitFields      = splitFields
	ExcelNumber      = excelNumber
	TitleCoverage    = titleCoverage
)

// HeaderWindow is how many lines from the top may hold the header.
const HeaderWindow = headerWindow

// HeaderKnown is how many known columns a line names, read as a header.
func HeaderKnown(line string, reports Reports) int { return guessHeader(line, reports).h.known }
