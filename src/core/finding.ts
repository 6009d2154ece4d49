// The one finding model every scanner feeds. Pure: no I/O.
import * as crypto from 'node:crypto';
import { lookupTable } from './lookup';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for comparisons: higher is worse. `unknown` is ranked by policy, see policy.ts. */
export const SEVERITY_RANK: Record<Exclude<Severity, 'unknown'>, number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
  info: 0,
};

export const KINDS = ['vulnerability', 'code', 'secret', 'misconfiguration', 'license', 'signature', 'policy'] as const;
export type Kind = (typeof KINDS)[number];

export interface PackageRef {
  /** Package URL without qualifiers where we could build one, e.g. pkg:npm/lodash@4.17.20 */
  purl?: string;
  /** Ecosystem as purl type: npm, pypi, golang, maven, gem, deb, apk, rpm, cargo, nuget, composer... */
  ecosystem?: string;
  name: string;
  version?: string;
  fixedVersions: string[];
}

export interface Location {
  path: string;
  startLine?: number;
  endLine?: number;
}

export interface Finding {
  /** Tools that reported it, sorted. */
  tools: string[];
  kind: Kind;
  severity: Severity;
  /** Primary rule or advisory id. */
  id: string;
  /** Every other id the same issue is known by (CVE, GHSA, PYSEC...), sorted, without `id`. */
  aliases: string[];
  title: string;
  description?: string;
  package?: PackageRef;
  location?: Location;
  /** CVSS base score where a tool gave one. */
  cvssScore?: number;
  cwes?: string[];
  url?: string;
  /**
   * sha256 prefix of the source lines the finding points at, whitespace removed (see
   * matchedTextHash): how a baseline recognizes it after lines moved or were reformatted. Set by
   * the gate, which reads the files; never the text itself, which may hold a secret.
   */
  textHash?: string;
  /** The monorepo project (folder from the repository root) it is in, when projects are used. */
  project?: string;
  fingerprint: string;
}

/** What a parser produces before fingerprinting and merging. */
export type FindingInput = Omit<Finding, 'fingerprint' | 'aliases' | 'tools'> & {
  tool: string;
  aliases?: string[];
};

const SEVERITY_WORDS = lookupTable<Severity>({
  critical: 'critical',
  high: 'high',
  error: 'high',
  medium: 'medium',
  moderate: 'medium',
  warning: 'medium',
  low: 'low',
  negligible: 'low',
  info: 'info',
  informational: 'info',
  // SARIF's note level sits below warning (medium): low, as code scanning shows it.
  note: 'low',
  none: 'info',
  unknown: 'unknown',
});

/**
 * SEVERITY_WORDS as tools print them (lower, UPPER, Capitalized): looked up before trimming and
 * lower-casing, which allocate a string for each of 100,000 findings. Words meaning `info` are
 * left to the full path, where Semgrep's legacy INFO becomes low.
 */
const EXACT_SEVERITY = new Map<string, Severity>(
  Object.entries(SEVERITY_WORDS).flatMap(([w, s]) => [w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1)].map((x) => [x, s] as [string, Severity])),
);

/**
 * Maps any tool's severity word to ours. Semgrep's legacy ERROR/WARNING/INFO are High/Medium/Low
 * (callers pass `{ semgrepLegacy: true }`), SARIF levels error/warning/note map the same way.
 */
export function normalizeSeverity(word: string | undefined | null, opts?: { semgrepLegacy?: boolean }): Severity {
  if (word === undefined || word === null) return 'unknown';
  const exact = EXACT_SEVERITY.get(word);
  if (exact !== undefined && exact !== 'info') return exact;
  const w = String(word).trim().toLowerCase();
  if (opts?.semgrepLegacy && w === 'info') return 'low';
  return SEVERITY_WORDS[w] ?? 'unknown';
}

/** CVSS v3/v4 qualitative rating from a base score. */
export function severityFromScore(score: number | undefined): Severity {
  if (score === undefined || Number.isNaN(score)) return 'unknown';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** code-scanning `security-severity` value for a severity. */
export function securitySeverityScore(sev: Severity): string {
  switch (sev) {
    case 'critical':
      return '9.5';
    case 'high':
      return '8.0';
    case 'medium':
      return '5.5';
    case 'low':
      return '2.0';
    default:
      return '0.0';
  }
}

const ID_PREFERENCE = ['CVE-', 'GHSA-', 'GO-', 'PYSEC-', 'RUSTSEC-', 'OSV-'];

function idRank(id: string): number {
  for (let i = 0; i < ID_PREFERENCE.length; i++) if (id.startsWith(ID_PREFERENCE[i])) return i;
  return ID_PREFERENCE.length;
}

/**
 * The id a merged vulnerability is known by: a CVE when any tool knows one, then GHSA, ...;
 * among ids of one kind, the first in English collation. The least by that order, in one pass.
 */
export function canonicalId(ids: Iterable<string>): string {
  let best: string | undefined;
  let bestRank = Infinity;
  for (const id of ids) {
    const r = idRank(id);
    if (r < bestRank || (r === bestRank && id.localeCompare(best as string, 'en') < 0)) {
      best = id;
      bestRank = r;
    }
  }
  return best as string;
}

/** Lower-cased ecosystem + normalized name: how two tools' views of one package compare. */
export function packageKey(p: PackageRef): string {
  const eco = (p.ecosystem ?? '').toLowerCase();
  let name = p.name;
  // PyPI names are case-insensitive and treat -, _ and . alike (PEP 503).
  if (eco === 'pypi') name = name.toLowerCase().replace(/[-_.]+/g, '-');
  return `${eco}/${name}`;
}

/** One-shot hashing (Node 20.12+): a third of the cost of createHash, which allocates a Hash and a Buffer. */
export type OneShotHash = (algorithm: string, data: string) => string;
/** crypto.hash where this Node has it, else null (createHash is used). */
export function oneShotHash(c: { hash?: OneShotHash }): OneShotHash | null {
  return c.hash ?? null;
}
const ONE_SHOT = oneShotHash(crypto as unknown as { hash?: OneShotHash });

/**
 * The first 128 bits of the sha256, in hex, as a flat string of its own: reports sort, compare
 * and look up 100,000 fingerprints more than once, and V8 does that fastest with such strings. A
 * slice would point into the 64-digit parent and `a + b` would make a rope, each several times
 * slower to compare; joining the two halves copies them into one string.
 */
export function sha256Prefix(s: string, hash: OneShotHash | null = ONE_SHOT): string {
  if (hash === null) return crypto.createHash('sha256').update(s).digest().toString('hex', 0, 16);
  const h = hash('sha256', s);
  return [h.substring(0, 16), h.substring(16, 32)].join('');
}

/**
 * The hash a baseline compares a code, secret or misconfiguration finding by: its source lines
 * with every whitespace character removed, so re-indenting or re-wrapping a line keeps it.
 */
export function matchedTextHash(text: string): string {
  return sha256Prefix(text.replace(/\s+/g, ''));
}

function locationKey(l: Location | undefined): string {
  if (!l) return '';
  const p = l.path.includes('\\') ? l.path.replace(/\\/g, '/') : l.path;
  return `${p}:${l.startLine ?? ''}`;
}

export function computeFingerprint(f: Pick<Finding, 'kind' | 'id' | 'aliases' | 'package' | 'location'>): string {
  const id = f.kind === 'vulnerability' && f.aliases.length > 0 ? canonicalId([f.id, ...f.aliases]) : f.id;
  const pkg = f.package ? `${packageKey(f.package)}@${f.package.version ?? ''}` : '';
  return sha256Prefix(`${f.kind}\n${id}\n${pkg}\n${locationKey(f.location)}`);
}

function sortedUnique(xs: string[]): string[] {
  // Most lists hold two entries or fewer: skip the set and the sort for those.
  if (xs.length < 2) return xs.slice();
  if (xs.length === 2) return xs[0] === xs[1] ? [xs[0]] : xs[0] < xs[1] ? [xs[0], xs[1]] : [xs[1], xs[0]];
  return [...new Set(xs)].sort();
}

/**
 * A finding in the one object shape every finding has: all fields, in the order the reports
 * write them, absent ones undefined (which JSON leaves out). 100,000 findings of one shape copy,
 * compare and serialize several times faster than objects that each have their own keys.
 * `package` and `location` are given in their own one shape (see makeFinding).
 */
function shaped(f: Omit<Finding, 'fingerprint'>): Finding {
  const out: Finding = {
    id: f.id,
    aliases: f.aliases,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    description: f.description,
    tools: f.tools,
    package: f.package,
    location: f.location,
    cvssScore: f.cvssScore,
    cwes: f.cwes,
    url: f.url,
    textHash: f.textHash,
    fingerprint: '',
  };
  out.fingerprint = computeFingerprint(out);
  return out;
}

/** Builds a finding from a parser's input: dedupes aliases, computes the fingerprint. */
export function makeFinding(input: FindingInput): Finding {
  const p = input.package;
  const l = input.location;
  return shaped({
    id: input.id,
    aliases: sortedUnique((input.aliases ?? []).filter((a) => a && a !== input.id)),
    kind: input.kind,
    severity: input.severity,
    title: input.title,
    description: input.description,
    tools: [input.tool],
    package: p && { purl: p.purl, ecosystem: p.ecosystem, name: p.name, version: p.version, fixedVersions: sortedUnique(p.fixedVersions) },
    location: l && { path: l.path, startLine: l.startLine, endLine: l.endLine },
    cvssScore: input.cvssScore,
    cwes: input.cwes,
    url: input.url,
    textHash: input.textHash,
  });
}

export function worseSeverity(a: Severity, b: Severity): Severity {
  // A known severity beats unknown; otherwise the higher rank wins.
  if (a === 'unknown') return b;
  if (b === 'unknown') return a;
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

function mergeKey(f: Finding): string | undefined {
  if (f.kind !== 'vulnerability' || !f.package) return undefined;
  // Per folder of the lockfile: the same package in two projects of a monorepo is two findings
  // (an exception scoped to one project must not hide the other), while the tools reading one
  // lockfile (Trivy and the OSV matcher) still agree on one.
  const at = f.location?.path ?? '';
  return `${packageKey(f.package)}\n${at.slice(0, at.lastIndexOf('/') + 1)}`;
}

function sameVersion(a: Finding, b: Finding): boolean {
  const va = a.package?.version;
  const vb = b.package?.version;
  return va === undefined || vb === undefined || va === vb;
}

function mergeTwo(a: Finding, b: Finding): Finding {
  const ids = sortedUnique([a.id, ...a.aliases, b.id, ...b.aliases]);
  const id = canonicalId(ids);
  const pa = a.package as PackageRef;
  const pb = b.package as PackageRef;
  return shaped({
    id,
    aliases: ids.filter((x) => x !== id),
    kind: a.kind,
    severity: worseSeverity(a.severity, b.severity),
    title: a.title || b.title,
    description: a.description ?? b.description,
    tools: sortedUnique([...a.tools, ...b.tools]),
    package: {
      purl: pa.purl ?? pb.purl,
      ecosystem: pa.ecosystem,
      name: pa.name,
      version: pa.version ?? pb.version,
      fixedVersions: sortedUnique([...pa.fixedVersions, ...pb.fixedVersions]),
    },
    location: a.location ?? b.location,
    cvssScore: a.cvssScore ?? b.cvssScore,
    cwes: a.cwes || b.cwes ? sortedUnique([...(a.cwes ?? []), ...(b.cwes ?? [])]) : undefined,
    url: a.url ?? b.url,
    textHash: a.textHash ?? b.textHash,
  });
}

/** The first of the entries `list` names whose version agrees with `f`'s. */
function sameVersionIn(list: number[], out: Finding[], f: Finding): number | undefined {
  for (const i of list) if (sameVersion(out[i], f)) return i;
  return undefined;
}

/** Records that entry `i` of a package's merged list is known by `id`. */
function indexId(idIndex: Map<string, number[]>, id: string, i: number): void {
  const list = idIndex.get(id);
  if (!list) idIndex.set(id, [i]);
  else if (!list.includes(i)) list.push(i);
}

/** The first 8 characters of a fingerprint as a number when they are lower-case hex, else -1. */
function hexPrefix(fp: string): number {
  if (fp.length < 8) return -1;
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const c = fp.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

const byFingerprintString = (a: Finding, b: Finding): number => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0);

/** Indexes below this fit beside a 32-bit prefix in one double (2^32 * 2^21 = 2^53); `span` is smaller only in tests. */
const INDEX_SPAN = 2 ** 21;

/**
 * Findings in fingerprint order (UTF-16 code units, as `<` compares). A fingerprint starts with
 * 8 hex digits, in the same order as their value: the findings are ordered by a typed-array sort
 * of (value, index) pairs packed in doubles, several times faster than sorting strings, and only
 * runs that share those 8 digits are ordered by the whole string. Anything else (a fingerprint
 * not made by computeFingerprint) falls back to comparing strings.
 */
export function sortByFingerprint(list: readonly Finding[], span = INDEX_SPAN): Finding[] {
  const n = list.length;
  if (n >= span) return list.slice().sort(byFingerprintString);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = hexPrefix(list[i].fingerprint);
    if (v < 0) return list.slice().sort(byFingerprintString);
    keys[i] = v * span + i;
  }
  keys.sort();
  const out = new Array<Finding>(n);
  for (let j = 0; j < n; j++) out[j] = list[keys[j] % span];
  // Equal prefixes (about one pair in 100,000 findings): order those runs by the whole string.
  for (let j = 0; j < n - 1; ) {
    let k = j + 1;
    const prefix = Math.floor(keys[j] / span);
    while (k < n && Math.floor(keys[k] / span) === prefix) k++;
    if (k - j > 1) {
      const run = out.slice(j, k).sort(byFingerprintString);
      for (let r = 0; r < run.length; r++) out[j + r] = run[r];
    }
    j = k;
  }
  return out;
}

/** Ids (and aliases) that more than one vulnerability finding of a package names. */
function sharedIds(findings: Finding[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  const note = (id: string) => {
    if (seen.has(id)) shared.add(id);
    else seen.add(id);
  };
  for (const f of findings) {
    if (f.kind !== 'vulnerability' || !f.package) continue;
    note(f.id);
    for (const a of f.aliases) note(a);
  }
  return shared;
}

/**
 * Folds findings from all tools into one list: the same vulnerability (any shared id or alias)
 * in the same package version is one finding listing every tool; identical findings from one
 * tool collapse too. Linear in the number of findings: only vulnerabilities with an id that
 * another one also names can merge, and those are grouped by package, then by id.
 * Output is sorted by fingerprint for reproducible reports.
 */
export function mergeFindings(findings: Finding[]): Finding[] {
  const shared = sharedIds(findings);
  const canMerge = (f: Finding) => shared.has(f.id) || f.aliases.some((a) => shared.has(a));
  const result: Finding[] = [];
  const byFingerprint = new Map<string, Finding>();
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = mergeKey(f);
    if (key === undefined) {
      const prev = byFingerprint.get(f.fingerprint);
      byFingerprint.set(f.fingerprint, prev ? Object.assign({}, prev, { tools: sortedUnique([...prev.tools, ...f.tools]), severity: worseSeverity(prev.severity, f.severity) }) : f);
      continue;
    }
    // Its ids are its own: nothing can merge with it, and its fingerprint (made of one of
    // them) is unique.
    if (!canMerge(f)) {
      result.push(f);
      continue;
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(f);
  }
  for (const group of groups.values()) {
    // Within one package: union findings that share an id and whose versions agree.
    const out: Finding[] = [];
    const idIndex = new Map<string, number[]>();
    for (const f of group) {
      let target: number | undefined;
      for (let a = -1; a < f.aliases.length && target === undefined; a++) {
        const list = idIndex.get(a < 0 ? f.id : f.aliases[a]);
        if (list) target = sameVersionIn(list, out, f);
      }
      if (target === undefined) target = out.push(f) - 1;
      else out[target] = mergeTwo(out[target], f);
      indexId(idIndex, out[target].id, target);
      for (const alias of out[target].aliases) indexId(idIndex, alias, target);
    }
    // Distinct entries of one package differ in id or version, hence in fingerprint.
    for (const f of out) result.push(f);
  }
  for (const f of byFingerprint.values()) result.push(f);
  return sortByFingerprint(result);
}
