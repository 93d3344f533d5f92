package web

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
)

// maxUpload bounds one upload request; the importer bounds what the files
// decompress to.
const maxUpload = 1 << 30

type importData struct {
	Connections []store.Connection
	Connection  string
	Summary     *importer.Summary
	Error       string
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.importData(r, v, r.URL.Query().Get("connection"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "import", "Import report files", "import", d)
}

func (s *Server) importData(r *http.Request, v *viewer, conn string) (importData, error) {
	list, err := s.store.Connections(r.Context(), v.WorkspaceID)
	if err != nil {
		return importData{}, err
	}
	if conn == "" {
		for _, c := range list {
			if !s.networks.Syncs(c) {
				conn = c.ID
				break
			}
		}
	}
	return importData{Connections: list, Connection: conn}, nil
}

// upload streams the files of the form into the importer, each file one
// store transaction, and shows the summary: what was applied, and each
// error with its file and line. The CSRF token comes in the query string,
// so it is checked before the body is read.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, v, userError{"Send the files with the upload form."})
		return
	}
	var conn store.Connection
	total := importer.Summary{Errors: []importer.FileError{}, Notes: []string{}}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(w, r, v, userError{"Reading the upload failed: " + err.Error()})
			return
		}
		if part.FormName() == "connection" {
			id, _ := io.ReadAll(io.LimitReader(part, 200))
			if conn, err = s.store.Connection(r.Context(), v.WorkspaceID, string(id)); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					err = userError{"Choose a connection for the files."}
				}
				s.fail(w, r, v, err)
				return
			}
			continue
		}
		if part.FileName() == "" {
			continue
		}
		if conn.ID == "" {
			s.fail(w, r, v, userError{"Choose a connection before the files (the form sends it first)."})
			return
		}
		sum, err := s.importer.ImportStream(r.Context(), conn, filepath.Base(part.FileName()), part)
		var rejected *importer.RejectedError
		var broken *importer.StreamError
		if errors.As(err, &broken) {
			err = userError{"Reading " + broken.Name + " failed: " + broken.Err.Error()}
		}
		if err != nil && !errors.As(err, &rejected) {
			s.fail(w, r, v, err)
			return
		}
		total.Add(sum)
	}
	d, err := s.importData(r, v, conn.ID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	status := http.StatusOK
	switch {
	case total.Files+total.FilesSkipped == 0:
		d.Error, status = "The upload held no file.", http.StatusBadRequest
	case len(total.Errors) > 0:
		status = http.StatusUnprocessableEntity
		d.Summary = &total
	default:
		d.Summary = &total
	}
	s.log.Info("upload", "connection", conn.ID, "files", total.Files, "errors", len(total.Errors), "user", v.ID)
	s.render(w, r, v, status, "import", "Import report files", "import", d)
}
