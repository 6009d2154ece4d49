package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Input is the committed advisories file. Bucket names and data sources are spelled out in it
// (rather than derived here) so the file reads as the exact layout Trivy looks up.
type Input struct {
	UpdatedAt       time.Time             `json:"updatedAt"`
	DataSources     map[string]DataSource `json:"dataSources"`
	Vulnerabilities []Vulnerability       `json:"vulnerabilities"`
}

// DataSource is stored per platform bucket; Trivy reports it as the finding's DataSource and
// picks the vendor severity by its ID.
type DataSource struct {
	ID   string `json:"ID"`
	Name string `json:"Name"`
	URL  string `json:"URL,omitempty"`
}

type CVSS struct {
	V2Vector  string  `json:"V2Vector,omitempty"`
	V3Vector  string  `json:"V3Vector,omitempty"`
	V40Vector string  `json:"V40Vector,omitempty"`
	V2Score   float64 `json:"V2Score,omitempty"`
	V3Score   float64 `json:"V3Score,omitempty"`
	V40Score  float64 `json:"V40Score,omitempty"`
}

type Vulnerability struct {
	ID               string            `json:"id"`
	Title            string            `json:"title"`
	Description      string            `json:"description"`
	Severity         string            `json:"severity"`
	VendorSeverity   map[string]string `json:"vendorSeverity"`
	CVSS             map[string]CVSS   `json:"cvss"`
	CweIDs           []string          `json:"cweIds"`
	References       []string          `json:"references"`
	PublishedDate    *time.Time        `json:"publishedDate"`
	LastModifiedDate *time.Time        `json:"lastModifiedDate"`
	Affected         []Affected        `json:"affected"`
}

// Affected is one package in one platform bucket. Language buckets ("npm::...") use version
// ranges; OS buckets ("alpine 3.10", "debian 12") use the fixed package version.
type Affected struct {
	Bucket             string   `json:"bucket"`
	Package            string   `json:"package"`
	VendorIDs          []string `json:"vendorIds"`
	VulnerableVersions []string `json:"vulnerableVersions"`
	PatchedVersions    []string `json:"patchedVersions"`
	FixedVersion       string   `json:"fixedVersion"`
}

var severityNames = []string{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func severityNumber(name string) (int, bool) {
	for i, n := range severityNames {
		if n == name {
			return i, true
		}
	}
	return 0, false
}

func isLangBucket(bucket string) bool { return strings.Contains(bucket, "::") }

// packageKey normalizes names the way Trivy looks them up: language package names in lower
// case, and Python's "_" and "-" as one (PEP 503).
func packageKey(bucket, name string) string {
	if !isLangBucket(bucket) {
		return name
	}
	key := strings.ToLower(name)
	if strings.HasPrefix(bucket, "pip::") {
		key = strings.ReplaceAll(key, "_", "-")
	}
	return key
}

func parseInput(raw []byte, file string) (*Input, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var in Input
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if err := in.validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return &in, nil
}

func (in *Input) validate() error {
	if in.UpdatedAt.IsZero() {
		return fmt.Errorf("updatedAt is required (RFC 3339)")
	}
	if len(in.Vulnerabilities) == 0 {
		return fmt.Errorf("vulnerabilities is empty")
	}
	for name, ds := range in.DataSources {
		if ds.ID == "" || ds.Name == "" {
			return fmt.Errorf("dataSources[%q]: ID and Name are required", name)
		}
	}
	seen := map[string]bool{}
	for i, v := range in.Vulnerabilities {
		at := fmt.Sprintf("vulnerabilities[%d] (%s)", i, v.ID)
		if v.ID == "" {
			return fmt.Errorf("%s: id is required", at)
		}
		if seen[v.ID] {
			return fmt.Errorf("%s: duplicate id; list every affected package under one entry", at)
		}
		seen[v.ID] = true
		if _, ok := severityNumber(v.Severity); !ok {
			return fmt.Errorf("%s: severity %q is not one of %s", at, v.Severity, strings.Join(severityNames, ", "))
		}
		for src, sev := range v.VendorSeverity {
			if _, ok := severityNumber(sev); !ok {
				return fmt.Errorf("%s: vendorSeverity[%q] %q is not one of %s", at, src, sev, strings.Join(severityNames, ", "))
			}
		}
		if len(v.Affected) == 0 {
			return fmt.Errorf("%s: affected is empty", at)
		}
		for j, a := range v.Affected {
			aat := fmt.Sprintf("%s.affected[%d]", at, j)
			if _, ok := in.DataSources[a.Bucket]; !ok {
				return fmt.Errorf("%s: bucket %q has no entry in dataSources", aat, a.Bucket)
			}
			if a.Package == "" {
				return fmt.Errorf("%s: package is required", aat)
			}
			if isLangBucket(a.Bucket) {
				if len(a.VulnerableVersions) == 0 || a.FixedVersion != "" {
					return fmt.Errorf("%s: a language bucket needs vulnerableVersions (and optionally patchedVersions), not fixedVersion", aat)
				}
			} else if a.FixedVersion == "" || len(a.VulnerableVersions) > 0 {
				return fmt.Errorf("%s: an OS bucket needs fixedVersion, not version ranges", aat)
			}
		}
	}
	return nil
}

// sortedKeys gives a stable write order so two runs produce the same pages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
