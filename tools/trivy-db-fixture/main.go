// Command trivy-db-fixture writes a small Trivy vulnerability database (schema 2) into a
// cache directory, from a JSON file of advisories we keep in the repository. Trivy then scans
// fully offline with --skip-db-update, so tests exercise the real scanner against known
// advisories instead of a multi-hundred-MB download that CI cannot reach.
//
//	trivy-db-fixture -input advisories.json -cache-dir DIR [-now 2025-01-01T00:00:00Z]
//
// It writes DIR/db/trivy.db (BoltDB) and DIR/db/metadata.json. The output depends only on the
// input and -now, so the same input always gives the same scan results.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	input := flag.String("input", "", "advisories JSON file")
	cacheDir := flag.String("cache-dir", "", "Trivy cache directory to write db/ into")
	now := flag.String("now", "", "RFC 3339 time written as UpdatedAt/DownloadedAt (default: the input's updatedAt)")
	flag.Parse()
	if *input == "" || *cacheDir == "" {
		fmt.Fprintln(os.Stderr, "usage: trivy-db-fixture -input advisories.json -cache-dir DIR [-now RFC3339]")
		os.Exit(2)
	}
	if err := run(*input, *cacheDir, *now); err != nil {
		fmt.Fprintf(os.Stderr, "trivy-db-fixture: %v\n", err)
		os.Exit(1)
	}
}

func run(inputPath, cacheDir, nowText string) error {
	raw, err := os.ReadFile(inputPath)
	if err != nil {
		return err
	}
	in, err := parseInput(raw, inputPath)
	if err != nil {
		return err
	}
	stamp := in.UpdatedAt
	if nowText != "" {
		if stamp, err = time.Parse(time.RFC3339, nowText); err != nil {
			return fmt.Errorf("-now %q: %v", nowText, err)
		}
	}
	dbDir := filepath.Join(cacheDir, "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return err
	}
	if err := writeDB(filepath.Join(dbDir, "trivy.db"), in); err != nil {
		return err
	}
	return writeMetadata(filepath.Join(dbDir, "metadata.json"), stamp)
}
