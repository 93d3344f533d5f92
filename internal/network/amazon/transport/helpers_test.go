package transport

import (
	"flag"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var fixedNow = time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC)
