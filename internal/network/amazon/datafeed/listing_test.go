package datafeed

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseRealListing(t *testing.T) {
	f, err := os.Open("testdata/datafeed-listReports.html")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseListing(f)
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	want := []ReportFile{
		{"gynny-21-earnings-report-20120506.tsv.gz", at("2012-06-07T14:42:40Z"), "9e65e79b66679c779ff322a658c479df", 186},
		{"gynny-21-earnings-report-20120506.xml.gz", at("2012-06-07T14:42:35Z"), "f317a5689822bd67c72e133f39f431ee", 823},
		{"gynny-21-earnings-report-20120507.tsv.gz", at("2012-06-07T14:42:30Z"), "0cba75d3edb2fd4e9c14696166de322b", 186},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

func TestParseListingErrors(t *testing.T) {
	for _, tc := range []struct{ page, want string }{
		{"<html><body>Service unavailable</body></html>", "no table with a Filename column"},
		{"<table><tr><th>Filename</th><th>Size</th><th>Last Modified</th></tr><tr><td>a.tsv.gz</td><td>big</td><td>x</td></tr></table>", "size \"big\""},
		{"<table><tr><th>Filename</th><th>Size</th><th>Last Modified</th></tr><tr><td>a.tsv.gz</td><td>1</td><td>yesterday</td></tr></table>", "last modified"},
	} {
		if _, err := ParseListing(strings.NewReader(tc.page)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.page, err, tc.want)
		}
	}
	if files, err := ParseListing(strings.NewReader("<table><tr><th>Filename</th></tr></table>")); err != nil || len(files) != 0 {
		t.Errorf("empty listing: %v %v", files, err)
	}
}

func FuzzParseListing(f *testing.F) {
	page, _ := os.ReadFile("testdata/datafeed-listReports.html")
	f.Add(string(page))
	f.Add("<table><tr><th>Filename</th></tr><tr><td>x</td></tr></table>")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseListing(strings.NewReader(s))
	})
}
