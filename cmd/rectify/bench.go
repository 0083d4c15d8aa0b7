package main

import (
	"context"
	"errors"
	"flag"
	"io"

	"github.com/rectify/rectify/internal/config"
)

func runBench(ctx context.Context, cfg config.Config, fs *flag.FlagSet, args []string, stdout io.Writer) error {
	return errors.New("bench: not yet built")
}
