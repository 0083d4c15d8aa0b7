// Package blob stores evidence files by the SHA-256 of their content, so a
// file is kept once however often it is uploaded, and its name is its proof.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Store keeps blobs. Local is the default; an S3-compatible store can take
// its place behind this interface.
type Store interface {
	// Create starts a new blob; write to it, then Commit or Abort.
	Create(ctx context.Context) (Upload, error)
	// Open reads the blob with the given hash.
	Open(ctx context.Context, sha string) (io.ReadSeekCloser, error)
	// Remove deletes a blob created for an upload whose record could not be
	// written, so that nothing is half-stored.
	Remove(ctx context.Context, sha string) error
}

// Upload is a blob being written: it hashes and counts what passes through.
type Upload interface {
	io.Writer
	// Size is the number of bytes written so far.
	Size() int64
	// Commit stores the blob under its hash; created is false when the same
	// content was already stored.
	Commit() (sha string, created bool, err error)
	// Abort drops what was written.
	Abort() error
}

// ErrNotFound is returned by Open for an unknown hash.
var ErrNotFound = errors.New("blob: not found")

var shaRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Local keeps blobs as files under Dir/<first two hex>/<hash>.
type Local struct {
	Dir string
}

// Create writes to a temporary file in Dir, so that a commit is a rename on
// the same file system and an abort leaves nothing.
func (l *Local) Create(ctx context.Context) (Upload, error) {
	tmpDir := filepath.Join(l.Dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return nil, err
	}
	return &localUpload{dir: l.Dir, f: f, h: sha256.New()}, nil
}

// Open opens a stored blob.
func (l *Local) Open(ctx context.Context, sha string) (io.ReadSeekCloser, error) {
	if !shaRE.MatchString(sha) {
		return nil, ErrNotFound
	}
	f, err := os.Open(filepath.Join(l.Dir, sha[:2], sha))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

type localUpload struct {
	dir  string
	f    *os.File
	h    hash.Hash
	size int64
	done bool
}

func (u *localUpload) Write(p []byte) (int, error) {
	n, err := u.f.Write(p)
	u.h.Write(p[:n])
	u.size += int64(n)
	return n, err
}

func (u *localUpload) Size() int64 { return u.size }

func (u *localUpload) Commit() (string, bool, error) {
	if u.done {
		return "", false, errors.New("blob: upload already finished")
	}
	u.done = true
	sha := hex.EncodeToString(u.h.Sum(nil))
	if err := u.f.Sync(); err != nil {
		u.discard()
		return "", false, err
	}
	if err := u.f.Close(); err != nil {
		_ = os.Remove(u.f.Name())
		return "", false, err
	}
	dir := filepath.Join(u.dir, sha[:2])
	if err := os.MkdirAll(dir, 0o750); err != nil {
		_ = os.Remove(u.f.Name())
		return "", false, err
	}
	final := filepath.Join(dir, sha)
	if _, err := os.Stat(final); err == nil {
		_ = os.Remove(u.f.Name()) // same content is already stored
		return sha, false, nil
	}
	if err := os.Rename(u.f.Name(), final); err != nil {
		_ = os.Remove(u.f.Name())
		return "", false, fmt.Errorf("blob: store %s: %w", sha, err)
	}
	return sha, true, nil
}

func (u *localUpload) Abort() error {
	if u.done {
		return nil
	}
	u.done = true
	u.discard()
	return nil
}

func (u *localUpload) discard() {
	_ = u.f.Close()
	_ = os.Remove(u.f.Name())
}

// Remove deletes a blob.
func (l *Local) Remove(ctx context.Context, sha string) error {
	if !shaRE.MatchString(sha) {
		return ErrNotFound
	}
	return os.Remove(filepath.Join(l.Dir, sha[:2], sha))
}
