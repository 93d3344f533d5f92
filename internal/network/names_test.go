package network_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/network/networks"
)

// allowed are the few comparisons outside internal/network/** with a string
// that happens to spell a network or connector name but means something
// else: file (from the repository root) → literal → why.
var allowed = map[string]map[string]string{
	"internal/cli/rates.go":               {"import": "the `rates import` subcommand"},
	"internal/web/overview.go":            {"custom": "the overview's custom date range preset"},
	"internal/web/revenues.go":            {"custom": "the custom (subid) column of revenues"},
	"internal/api/aggregates.go":          {"custom": "the custom (subid) group_by field"},
	"internal/store/revenue.go":           {"custom": "the custom (subid) group column"},
	"internal/store/revenue_reporting.go": {"custom": "the custom (subid) group column"},
}

// TestNoNetworkSwitchOutsideNetworks keeps what a network decides inside
// its package: no code outside internal/network/** compares with, or
// switches on, a string literal that is a network's name or one of its
// connectors. Ask the network.Registry instead (Open, Syncs, Rules).
func TestNoNetworkSwitchOutsideNetworks(t *testing.T) {
	reg := networks.Builtin()
	names := map[string]bool{}
	for _, name := range reg.Names() {
		n, _ := reg.Lookup(name)
		names[name] = true
		for _, c := range n.Connectors() {
			names[c] = true
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, top := range []string{"cmd", "internal", "client"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if rel == "internal/network" || d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go") {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Contains(files, "internal/importer/apply.go") {
		t.Fatalf("the walk missed internal/importer/apply.go; it found %d files", len(files))
	}
	used := map[string]map[string]bool{}
	fset := token.NewFileSet()
	for _, rel := range files {
		f, err := parser.ParseFile(fset, filepath.Join(root, rel), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range namesIn(f, names) {
			if _, ok := allowed[rel][h.name]; ok {
				if used[rel] == nil {
					used[rel] = map[string]bool{}
				}
				used[rel][h.name] = true
				continue
			}
			t.Errorf("%s: %s %q: a network or connector name outside internal/network; ask the network registry",
				fset.Position(h.pos), h.what, h.name)
		}
	}
	// An exception nothing needs any more goes, so the list stays short and true.
	for rel, lits := range allowed {
		for v := range lits {
			if !used[rel][v] {
				t.Errorf("allowed exception %s %q is not used any more: remove it", rel, v)
			}
		}
	}
}

type hit struct {
	pos        token.Pos
	what, name string
}

// namesIn finds the string literals of names compared with == or != or
// used as a case of a switch.
func namesIn(f *ast.File, names map[string]bool) []hit {
	var hits []hit
	check := func(e ast.Expr, what string) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		if v, err := strconv.Unquote(lit.Value); err == nil && names[v] {
			hits = append(hits, hit{lit.Pos(), what, v})
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				check(n.X, "compared with")
				check(n.Y, "compared with")
			}
		case *ast.SwitchStmt:
			for _, s := range n.Body.List {
				for _, e := range s.(*ast.CaseClause).List {
					check(e, "case")
				}
			}
		}
		return true
	})
	return hits
}

// TestNamesIn: the finder sees each way a name is compared, and not a name
// merely used as a value.
func TestNamesIn(t *testing.T) {
	names := map[string]bool{"amazon": true, "import": true, "custom": true}
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{`x == "amazon"`, []string{"compared with amazon"}},
		{`"custom" != c.Network`, []string{"compared with custom"}},
		{`c.Connector == "import" || c.Network != "amazon"`, []string{"compared with import", "compared with amazon"}},
		{`func() { switch x { case "other", "custom": } }`, []string{"case custom"}},
		{`func() { switch { case x == "import": } }`, []string{"compared with import"}},
		{`m["amazon"]`, nil},
		{`f("import")`, nil},
		{`x == "creators"`, nil},
		{"x == `amazon`", []string{"compared with amazon"}},
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package p\nvar _ = "+tc.src+"\n", 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		var got []string
		for _, h := range namesIn(f, names) {
			got = append(got, h.what+" "+h.name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.src, got, tc.want)
		}
	}
}

// reportTypes are the report types networks declare (model.ReportType).
var reportTypes = []model.ReportType{model.ReportOrders, model.ReportEarnings, model.ReportTracking, model.ReportBounty}

// quotedReports finds the string literals that quote a report type as SQL
// does ('earnings').
func quotedReports(f *ast.File) []hit {
	var hits []hit
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		for _, r := range reportTypes {
			if strings.Contains(v, "'"+string(r)+"'") {
				hits = append(hits, hit{lit.Pos(), "SQL quotes", string(r)})
			}
		}
		return true
	})
	return hits
}

// nonTestFiles are the non-test Go files of one package directory.
func nonTestFiles(t *testing.T, fset *token.FileSet, dir string) map[string]*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*ast.File{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = f
	}
	if len(out) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return out
}

// TestReportsStayInNetworks: what a network's reports are is said by its
// package, through the seam: the store binds report types as parameters
// (no SQL text quotes one), and the file reader (internal/reportfile)
// imports no network, getting a network's columns and report types as
// network.Rules.Files.
func TestReportsStayInNetworks(t *testing.T) {
	fset := token.NewFileSet()
	for _, f := range nonTestFiles(t, fset, "../store") {
		for _, h := range quotedReports(f) {
			t.Errorf("%s: %s %q: bind model.Report… as a parameter", fset.Position(h.pos), h.what, h.name)
		}
	}
	for p, f := range nonTestFiles(t, fset, "../reportfile") {
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "github.com/affsync/affsync/internal/network") {
				t.Errorf("%s imports %s: a network's report rules come in as reportfile.Reports", p, path)
			}
		}
	}
}

// TestQuotedReports: the finder sees a report type quoted in SQL, and not
// one bound or merely named.
func TestQuotedReports(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want int
	}{
		{"`SELECT 1 WHERE report_type = 'earnings'`", 1},
		{`"report_type IN ('bounty', 'tracking')"`, 2},
		{"`SELECT 1 WHERE report_type = $2`", 0},
		{`"earnings"`, 0},
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package p\nvar _ = "+tc.src+"\n", 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := len(quotedReports(f)); got != tc.want {
			t.Errorf("%s: %d hits, want %d", tc.src, got, tc.want)
		}
	}
}
