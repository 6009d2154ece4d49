package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Trivy DB schema 2 layout, as read by Trivy 0.74:
//
//	"data-source"               bucket name -> DataSource JSON
//	"<platform bucket>"         nested bucket per package name -> advisory ID -> Advisory JSON
//	"vulnerability"             advisory ID -> Vulnerability JSON (title, severities, CVSS...)
const (
	schemaVersion       = 2
	dataSourceBucket    = "data-source"
	vulnerabilityBucket = "vulnerability"
)

// advisory is the per-package record. Empty fields are left out, as Trivy writes them.
type advisory struct {
	VendorIDs          []string `json:",omitempty"`
	FixedVersion       string   `json:",omitempty"`
	VulnerableVersions []string `json:",omitempty"`
	PatchedVersions    []string `json:",omitempty"`
}

type vulnerabilityRecord struct {
	Title            string          `json:",omitempty"`
	Description      string          `json:",omitempty"`
	Severity         string          `json:",omitempty"`
	CweIDs           []string        `json:",omitempty"`
	VendorSeverity   map[string]int  `json:",omitempty"`
	CVSS             map[string]CVSS `json:",omitempty"`
	References       []string        `json:",omitempty"`
	PublishedDate    *time.Time      `json:",omitempty"`
	LastModifiedDate *time.Time      `json:",omitempty"`
}

type metadata struct {
	Version      int
	NextUpdate   time.Time
	UpdatedAt    time.Time
	DownloadedAt time.Time
}

func writeDB(path string, in *Input) error {
	// A fresh file: leftovers from an older fixture must not survive into this one.
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("open %s: %v", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error { return fill(tx, in) })
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

func fill(tx *bolt.Tx, in *Input) error {
	sources, err := tx.CreateBucket([]byte(dataSourceBucket))
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(in.DataSources) {
		if err := putJSON(sources, name, in.DataSources[name]); err != nil {
			return err
		}
	}
	vulns, err := tx.CreateBucket([]byte(vulnerabilityBucket))
	if err != nil {
		return err
	}
	for _, v := range in.Vulnerabilities {
		if err := putJSON(vulns, v.ID, toRecord(v)); err != nil {
			return err
		}
		for _, a := range v.Affected {
			platform, err := tx.CreateBucketIfNotExists([]byte(a.Bucket))
			if err != nil {
				return err
			}
			pkg, err := platform.CreateBucketIfNotExists([]byte(packageKey(a.Bucket, a.Package)))
			if err != nil {
				return err
			}
			adv := advisory{
				VendorIDs:          a.VendorIDs,
				FixedVersion:       a.FixedVersion,
				VulnerableVersions: a.VulnerableVersions,
				PatchedVersions:    a.PatchedVersions,
			}
			if err := putJSON(pkg, v.ID, adv); err != nil {
				return err
			}
		}
	}
	return nil
}

func toRecord(v Vulnerability) vulnerabilityRecord {
	var vendor map[string]int
	if len(v.VendorSeverity) > 0 {
		vendor = map[string]int{}
		for src, name := range v.VendorSeverity {
			vendor[src], _ = severityNumber(name)
		}
	}
	return vulnerabilityRecord{
		Title:            v.Title,
		Description:      v.Description,
		Severity:         v.Severity,
		CweIDs:           v.CweIDs,
		VendorSeverity:   vendor,
		CVSS:             v.CVSS,
		References:       v.References,
		PublishedDate:    v.PublishedDate,
		LastModifiedDate: v.LastModifiedDate,
	}
}

func putJSON(b *bolt.Bucket, key string, value any) error {
	raw, err := json.Marshal(value)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// writeMetadata marks the DB as downloaded and not due for an update for a century, so Trivy
// never tries to refresh it even without --skip-db-update.
func writeMetadata(path string, stamp time.Time) error {
	meta := metadata{
		Version:      schemaVersion,
		NextUpdate:   stamp.AddDate(100, 0, 0),
		UpdatedAt:    stamp,
		DownloadedAt: stamp,
	}
	raw, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}
