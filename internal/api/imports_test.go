package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

const uploadHeader = "Earnings report\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n"

func upload(t *testing.T, e *env, key, connID string, files map[string]string) (int, importer.Summary) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, content := range files {
		w, _ := mw.CreateFormFile("file", name)
		io.WriteString(w, content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.url+"/v1/imports?connection_id="+connID, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sum importer.Summary
	json.NewDecoder(res.Body).Decode(&sum)
	return res.StatusCode, sum
}

func TestImportUpload(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		good := uploadHeader + "Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tOctober 2, 2026\t29.99\t4.00\t2\t59.98\t2.40\tup-1\n"
		bad := uploadHeader + "Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tOctober 2, 2026\t29.99\t4.00\t2\t59.98\tlots\tup-2\n"
		status, sum := upload(t, e, e.a.writeKey, e.a.conn.ID, map[string]string{
			"store-20-earnings-report-subtags-20261002.tsv": good, "store-20-earnings-report-subtags-20261003.tsv": bad})
		if status != 422 || sum.Files != 2 || sum.Transactions.Created != 1 || len(sum.Errors) != 1 {
			t.Fatalf("upload: %d %+v", status, sum)
		}
		if fe := sum.Errors[0]; fe.File != "store-20-earnings-report-subtags-20261003.tsv" || fe.Line != 3 || fe.Column != 11 || !strings.Contains(fe.Message, "lots") {
			t.Fatalf("error location: %+v", fe)
		}
		var p txPage
		e.do("GET", "/v1/transactions?custom=up-1", e.a.readKey, "", &p)
		if len(p.Data) != 1 || p.Data[0].Commission != "2.40" {
			t.Fatalf("uploaded transaction: %+v", p.Data)
		}
		if status, sum = upload(t, e, e.a.writeKey, e.a.conn.ID, map[string]string{"store-20-earnings-report-subtags-20261002.tsv": good}); status != 200 || sum.FilesSkipped != 1 {
			t.Fatalf("the same file again: %d %+v", status, sum)
		}
		if status, _ = upload(t, e, e.a.readKey, e.a.conn.ID, map[string]string{"x.tsv": good}); status != 403 {
			t.Fatalf("read key: %d", status)
		}
		if status, _ = upload(t, e, e.b.writeKey, e.a.conn.ID, map[string]string{"x.tsv": good}); status != 400 {
			t.Fatalf("another workspace's connection: %d", status)
		}
	})
}

func TestImportUploadTooLarge(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvWith(t, s, api.Config{MaxUpload: 4096})
		big := uploadHeader + strings.Repeat("Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tOctober 2, 2026\t29.99\t4.00\t2\t59.98\t2.40\tbig\n", 100)
		status, _ := upload(t, e, e.a.writeKey, e.a.conn.ID, map[string]string{"store-20-earnings-report-subtags-20261002.tsv": big})
		if status != http.StatusRequestEntityTooLarge {
			t.Fatalf("an upload over the limit: %d, want 413", status)
		}
		var p txPage
		e.do("GET", "/v1/transactions?custom=big", e.a.readKey, "", &p)
		if len(p.Data) != 0 {
			t.Fatalf("a refused upload stored %d transactions", len(p.Data))
		}
	})
}
