package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/rectify/rectify/internal/blob"
)

// fakeS3 is a path-style S3 endpoint keeping objects in memory: enough of
// the protocol (PUT, HEAD, GET, DELETE, NoSuchKey) for the store's calls.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.URL.Path
	switch r.Method {
	case http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		f.objects[key] = body
		w.Header().Set("ETag", `"x"`)
	case http.MethodHead, http.MethodGet:
		body, ok := f.objects[key]
		if !ok {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			if r.Method == http.MethodGet {
				io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>`)
			}
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	case http.MethodDelete:
		delete(f.objects, key)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func stores(t *testing.T) map[string]blob.Store {
	fake := &fakeS3{objects: map[string][]byte{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	s3, err := blob.NewS3(blob.S3Config{Endpoint: srv.URL, Bucket: "evidence", AccessKey: "k", SecretKey: "s", Prefix: "rectify/"}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]blob.Store{"local": &blob.Local{Dir: t.TempDir()}, "s3": s3}
}

func TestStores(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			content := bytes.Repeat([]byte("整改佐证材料"), 10000)
			want := sha256.Sum256(content)
			put := func() (string, bool) {
				up, err := st.Create(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := io.Copy(up, bytes.NewReader(content)); err != nil {
					t.Fatal(err)
				}
				if up.Size() != int64(len(content)) {
					t.Fatalf("size %d", up.Size())
				}
				sha, created, err := up.Commit()
				if err != nil {
					t.Fatal(err)
				}
				return sha, created
			}
			sha, created := put()
			if sha != hex.EncodeToString(want[:]) || !created {
				t.Fatalf("commit = %s created %v", sha, created)
			}
			if _, again := put(); again {
				t.Error("the same content was stored twice")
			}
			f, err := st.Open(ctx, sha)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(f)
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Errorf("seek: %v", err)
			}
			f.Close()
			if !bytes.Equal(got, content) {
				t.Fatalf("read back %d bytes", len(got))
			}
			up, _ := st.Create(ctx)
			up.Write([]byte("refused upload"))
			if err := up.Abort(); err != nil {
				t.Fatal(err)
			}
			if err := st.Remove(ctx, sha); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Open(ctx, sha); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("open after remove: %v", err)
			}
			if _, err := st.Open(ctx, "../../etc/passwd"); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("open of a non-hash: %v", err)
			}
		})
	}
}

func TestLocalAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	st := &blob.Local{Dir: dir}
	up, _ := st.Create(context.Background())
	up.Write([]byte("half"))
	up.Abort()
	var files []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("files left after abort: %v", files)
	}
}
