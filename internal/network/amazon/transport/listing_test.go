package transport

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestParseListingSample reads the real captured page: three files.
func TestParseListingSample(t *testing.T) {
	page, err := os.ReadFile("testdata/datafeed-listReports.html")
	if err != nil {
		t.Fatal(err)
	}
	files, err := parseListing(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("parseListing: %v", err)
	}
	got, err := json.MarshalIndent(files, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "datafeed-listReports.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(bytes.TrimSpace(want)) != string(got) {
		t.Errorf("listing differs from %s:\n%s", golden, got)
	}
	// The facts the brief names, beside the golden file.
	if len(files) != 3 {
		t.Fatalf("%d files, want 3", len(files))
	}
	for i, size := range []int64{186, 823, 186} {
		if files[i].Size != size || strings.Contains(files[i].MD5, `"`) || len(files[i].MD5) != 32 {
			t.Errorf("file %d: %+v", i, files[i])
		}
	}
	if want := time.Date(2012, 6, 7, 14, 42, 40, 0, time.UTC); !files[0].LastModified.Equal(want) || files[0].LastModified.Location() != time.UTC {
		t.Errorf("last modified %v, want %v UTC", files[0].LastModified, want)
	}
	if files[0].Name != "gynny-21-earnings-report-20120506.tsv.gz" {
		t.Errorf("name %q", files[0].Name)
	}
}

func TestParseListing(t *testing.T) {
	const head = `<TABLE><TR><TH>Filename</TH><TH>Last Modified</TH><TH>MD5</TH><TH>Size</TH><TH>Download URL</TH></TR>`
	row := func(name, modified, md5, size string) string {
		return `<TR><TD>` + name + `</TD><TD>` + modified + `</TD><TD>` + md5 + `</TD><TD>` + size + `</TD><TD><a href='x'>click to download</a></TD></TR>`
	}
	const md5 = `"9E65E79B66679C779FF322A658C479DF"`
	const when = "Thu Jun 07 14:42:40 GMT 2012"
	tests := []struct {
		name    string
		page    string
		want    []ReportFile
		wantErr string
	}{
		{"header only: no files", head + `</TABLE>`, []ReportFile{}, ""},
		{"columns by name, any order; entities; upper-case MD5",
			`<table><tr><th>Size</th><th>MD5</th><th>filename</th><th>Last Modified</th></tr><tr><td>5</td><td>` + md5 + `</td><td>a&amp;b-20.tsv.gz</td><td>Thu Jun 07 14:42:40 UTC 2012</td></tr></table>`,
			[]ReportFile{{Name: "a&b-20.tsv.gz", Size: 5, MD5: "9e65e79b66679c779ff322a658c479df", LastModified: time.Date(2012, 6, 7, 14, 42, 40, 0, time.UTC)}}, ""},
		{"unclosed cells and rows", `<table><tr><th>Filename<th>Last Modified<th>MD5<th>Size<tr><td>f.tsv.gz<td>` + when + `<td>` + md5 + `<td>7</table>`,
			[]ReportFile{{Name: "f.tsv.gz", Size: 7, MD5: "9e65e79b66679c779ff322a658c479df", LastModified: time.Date(2012, 6, 7, 14, 42, 40, 0, time.UTC)}}, ""},
		{"no table", `<html><body>Service down</body></html>`, nil, "no table with a Filename column"},
		{"no MD5 column", `<table><tr><th>Filename</th><th>Last Modified</th><th>Size</th></tr></table>`, nil, `no "md5" column`},
		{"size not a number", head + row("f.tsv.gz", when, md5, "big") + `</TABLE>`, nil, `row 1 (f.tsv.gz): size "big"`},
		{"bad MD5", head + row("f.tsv.gz", when, `"xyz"`, "1") + `</TABLE>`, nil, `MD5 "xyz" is not 32 hex digits`},
		{"zone not GMT", head + row("f.tsv.gz", "Thu Jun 07 14:42:40 PDT 2012", md5, "1") + `</TABLE>`, nil, "last modified"},
		{"missing name", head + row("", when, md5, "1") + `</TABLE>`, nil, "without a name"},
		{"name with a path", head + row("../etc/passwd", when, md5, "1") + `</TABLE>`, nil, "path separator"},
		{"negative size", head + row("f.tsv.gz", when, md5, "-1") + `</TABLE>`, nil, "size -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseListing(strings.NewReader(tc.page))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(tc.want)
			if string(g) != string(w) {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
}

func FuzzParseListing(f *testing.F) {
	page, err := os.ReadFile("testdata/datafeed-listReports.html")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(page))
	f.Add(`<table><tr><th>Filename<td>x`)
	f.Fuzz(func(t *testing.T, s string) {
		files, err := parseListing(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, fl := range files {
			if fl.Name == "" || fl.Size < 0 || !isHexMD5(fl.MD5) {
				t.Errorf("accepted a file that cannot be verified: %+v", fl)
			}
		}
	})
}
