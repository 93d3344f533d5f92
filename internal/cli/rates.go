package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/store"
)

const ratesUsage = "usage: affsync rates import [--json] FILE...   (eurofxref-hist.csv, its .zip, eurofxref-daily.xml, eurofxref-hist-90d.xml)"

func runRates(env Env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef(ratesUsage)
	}
	return runRatesImport(env, args[1:])
}

// ratesSummary is what rates import prints with --json.
type ratesSummary struct {
	Files  int                 `json:"files"`
	Result store.RatesImported `json:"result"`
	Days   int                 `json:"days"`
	First  string              `json:"first,omitempty"`
	Last   string              `json:"last,omitempty"`
	Errors []fileError         `json:"errors"`
}

type fileError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// runRatesImport reads every file first and stores only when all of them
// are good, in one transaction: a bad file changes nothing.
func runRatesImport(env Env, args []string) error {
	fs, g := newFlags(env, "rates import", "rates import [--json] FILE...")
	asJSON := fs.Bool("json", false, "print one summary object on stdout")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("name at least one rates file")
	}
	sum := ratesSummary{Files: fs.NArg(), Errors: []fileError{}}
	var all []fxrate.Rate
	for _, path := range fs.Args() {
		rates, err := parseRatesFile(path)
		if err != nil {
			var fe *fxrate.Error
			if !errors.As(err, &fe) {
				fe = &fxrate.Error{File: path, Msg: err.Error()}
			}
			sum.Errors = append(sum.Errors, fileError{File: fe.File, Line: fe.Line, Column: fe.Column, Message: fe.Msg})
			if !*asJSON {
				fmt.Fprintf(env.Stderr, "rejected %s\n", fe)
			}
			continue
		}
		all = append(all, rates...)
	}
	if len(sum.Errors) > 0 {
		if *asJSON {
			if err := printJSON(env, sum); err != nil {
				return err
			}
		}
		return usagef("%d of %d files rejected: no rate was stored", len(sum.Errors), sum.Files)
	}
	s, err := g.openStore(env)
	if err != nil {
		return err
	}
	defer s.Close()
	started := time.Now().UTC()
	if sum.Result, err = s.ImportRates(env.Context, all); err != nil {
		return err
	}
	names := make([]string, len(fs.Args()))
	for i, p := range fs.Args() {
		names[i] = filepath.Base(p)
	}
	if err := s.RecordRatesRefresh(env.Context, store.RatesRefresh{Source: "import " + strings.Join(names, " "), StartedAt: started,
		FinishedAt: time.Now().UTC(), Outcome: store.RefreshOK, Result: sum.Result}); err != nil {
		return err
	}
	st := fxrate.NewTable(all).Summary()
	sum.Days = st.Days
	if st.Days > 0 {
		sum.First, sum.Last = st.First.Format(time.DateOnly), st.Last.Format(time.DateOnly)
	}
	if *asJSON {
		return printJSON(env, sum)
	}
	fmt.Fprintf(env.Stdout, "%d files, %d rates over %d days (%s to %s): %d added, %d changed, %d unchanged\n", sum.Files,
		sum.Result.Read, sum.Days, sum.First, sum.Last, sum.Result.Added, sum.Result.Changed, sum.Result.Unchanged)
	return nil
}

func parseRatesFile(path string) ([]fxrate.Rate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return fxrate.Parse(path, f)
}
