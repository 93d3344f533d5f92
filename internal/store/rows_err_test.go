package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestRowsErrChecked reads the store's own source: every function that
// walks query results with rows.Next() also checks rows.Err() (or hands the
// rows to collect, which does). rows.Next() answers false both at the end
// and on an error midway (a dropped connection, a statement that fails on a
// later row); without rows.Err() a write would go on with half an answer and
// commit a wrong projection.
func TestRowsErrChecked(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	walked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			nexts, errs := map[string]token.Pos{}, map[string]bool{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				recv, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				switch sel.Sel.Name {
				case "Next":
					nexts[recv.Name] = call.Pos()
				case "Err":
					errs[recv.Name] = true
				}
				return true
			})
			for recv, pos := range nexts {
				walked++
				if !errs[recv] {
					t.Errorf("%s: %s walks %s.Next() without checking %s.Err()", fset.Position(pos), fn.Name.Name, recv, recv)
				}
			}
		}
	}
	if walked == 0 {
		t.Fatal("no rows.Next() loop found: the check reads nothing")
	}
}
