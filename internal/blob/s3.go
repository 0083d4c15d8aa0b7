package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Config points at an S3-compatible bucket (AWS, MinIO, Ceph, OSS…).
type S3Config struct {
	Endpoint  string // e.g. https://minio.internal:9000; empty for AWS
	Region    string
	Bucket    string
	AccessKey string
	SecretKey string
	// Prefix is put before every key, e.g. "evidence/".
	Prefix string
}

// S3 keeps blobs as objects named by their hash. An upload is spooled to a
// local temporary file while it is hashed and counted, so that its key is
// known before it is sent and a refused upload never reaches the bucket.
type S3 struct {
	client *s3.Client
	cfg    S3Config
	tmpDir string
}

// NewS3 builds the store; tmpDir holds uploads and downloads in flight.
func NewS3(cfg S3Config, tmpDir string) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("blob: an S3 bucket is required")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	opts := s3.Options{
		Region:       cfg.Region,
		UsePathStyle: true, // what S3-compatible servers expect
		Credentials:  credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
		// Plain payloads: some S3-compatible servers reject aws-chunked
		// trailing checksums; the key is already the content's SHA-256.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return nil, err
	}
	return &S3{client: s3.New(opts), cfg: cfg, tmpDir: tmpDir}, nil
}

func (s *S3) key(sha string) string { return s.cfg.Prefix + sha[:2] + "/" + sha }

// Create spools the upload to a temporary file.
func (s *S3) Create(ctx context.Context) (Upload, error) {
	f, err := os.CreateTemp(s.tmpDir, "upload-*")
	if err != nil {
		return nil, err
	}
	return &s3Upload{ctx: ctx, s: s, f: f, h: sha256.New()}, nil
}

// Open downloads the object to a temporary file (removed on Close), since
// serving a download needs to seek.
func (s *S3) Open(ctx context.Context, sha string) (io.ReadSeekCloser, error) {
	if !shaRE.MatchString(sha) {
		return nil, ErrNotFound
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(sha))})
	if err != nil {
		var nf *s3types.NoSuchKey
		if errors.As(err, &nf) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("blob: get %s: %w", sha, err)
	}
	defer out.Body.Close()
	f, err := os.CreateTemp(s.tmpDir, "download-*")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, out.Body); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return tempFile{f}, nil
}

// Remove deletes an object.
func (s *S3) Remove(ctx context.Context, sha string) error {
	if !shaRE.MatchString(sha) {
		return ErrNotFound
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(s.key(sha))})
	return err
}

type tempFile struct{ *os.File }

func (t tempFile) Close() error {
	err := t.File.Close()
	os.Remove(t.File.Name())
	return err
}

type s3Upload struct {
	ctx context.Context
	s   *S3
	f   *os.File
	h   interface {
		io.Writer
		Sum([]byte) []byte
	}
	size int64
	done bool
}

func (u *s3Upload) Write(p []byte) (int, error) {
	n, err := u.f.Write(p)
	u.h.Write(p[:n])
	u.size += int64(n)
	return n, err
}

func (u *s3Upload) Size() int64 { return u.size }

func (u *s3Upload) Commit() (string, bool, error) {
	if u.done {
		return "", false, errors.New("blob: upload already finished")
	}
	u.done = true
	defer func() { u.f.Close(); os.Remove(u.f.Name()) }()
	sha := hex.EncodeToString(u.h.Sum(nil))
	key := u.s.key(sha)
	bucket := aws.String(u.s.cfg.Bucket)
	if _, err := u.s.client.HeadObject(u.ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String(key)}); err == nil {
		return sha, false, nil // the same content is already stored
	}
	if _, err := u.f.Seek(0, io.SeekStart); err != nil {
		return "", false, err
	}
	_, err := u.s.client.PutObject(u.ctx, &s3.PutObjectInput{
		Bucket: bucket, Key: aws.String(key), Body: u.f, ContentLength: aws.Int64(u.size),
	})
	if err != nil {
		return "", false, fmt.Errorf("blob: put %s: %w", sha, err)
	}
	return sha, true, nil
}

func (u *s3Upload) Abort() error {
	if u.done {
		return nil
	}
	u.done = true
	u.f.Close()
	return os.Remove(u.f.Name())
}
