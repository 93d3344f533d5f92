package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
)

// DefaultMaxUpload bounds one upload request; the importer bounds what the
// files decompress to.
const DefaultMaxUpload = 1 << 30

// createImport streams the files of a multipart upload into the importer,
// each file one store transaction, and answers the import summary: 200 when
// every file was applied (or already known), 422 when some was rejected;
// the summary's errors name file, line and column.
func (s *Server) createImport(w http.ResponseWriter, r *http.Request) {
	connID := r.URL.Query().Get("connection_id")
	if connID == "" {
		s.fail(w, r, badRequest{"connection_id is required (a query parameter)"})
		return
	}
	conn, err := s.store.Connection(r.Context(), workspace(r), connID)
	if errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, badRequest{"connection_id: no such connection"})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		s.fail(w, r, badRequest{"send the files as multipart/form-data"})
		return
	}
	// The limit goes on the body before the multipart reader takes it.
	r.Body = http.MaxBytesReader(w, r.Body, s.maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, badRequest{"not a multipart body: " + err.Error()})
		return
	}
	im := importer.New(s.store, s.log)
	im.Metrics, im.Networks = s.metrics, s.networks
	total := importer.Summary{Errors: []importer.FileError{}, Notes: []string{}}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if !errors.As(err, &tooLarge) {
				err = badRequest{"reading the upload: " + err.Error()}
			}
			s.fail(w, r, err)
			return
		}
		if part.FileName() == "" {
			continue // a plain form field
		}
		sum, err := im.ImportStream(r.Context(), conn, filepath.Base(part.FileName()), part)
		var rejected *importer.RejectedError
		var broken *importer.StreamError
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			s.fail(w, r, err) // 413
			return
		case errors.As(err, &broken):
			s.fail(w, r, badRequest{broken.Error()})
			return
		case err != nil && !errors.As(err, &rejected):
			s.fail(w, r, err)
			return
		}
		total.Add(sum)
	}
	if total.Files+total.FilesSkipped == 0 {
		s.fail(w, r, badRequest{"the upload holds no file"})
		return
	}
	status := http.StatusOK
	if len(total.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, total)
}
