// PEP 440 version ordering for PyPI advisories. Pure.
//
// A version is ordered by: epoch, release (trailing zeros ignored: 1.0 == 1.0.0), then
// pre-release (a < b < rc), post-release, dev-release, local label. A release's dev versions come
// before its pre-releases (1.0.dev0 < 1.0a1 < 1.0); post-releases after it (1.0 < 1.0.post1).

const PATTERN =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;

export interface Pep440Version {
  epoch: number;
  release: number[];
  pre?: [number, number];
  post?: number;
  dev?: number;
  local?: (number | string)[];
}

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

export function parsePep440(text: string): Pep440Version | undefined {
  const m = PATTERN.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  const v: Pep440Version = {
    epoch: m[1] ? Number(m[1]) : 0,
    release: m[2].split('.').map(Number),
  };
  if (m[3]) v.pre = [PRE_RANK[m[3]], Number(m[4] ?? 0)];
  if (m[5] !== undefined) v.post = Number(m[5]);
  else if (m[6]) v.post = Number(m[7] ?? 0);
  if (m[8]) v.dev = Number(m[9] ?? 0);
  if (m[10]) v.local = m[10].split(/[-_.]/).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return v;
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpRelease(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i] ?? 0, b[i] ?? 0);
    if (c) return c;
  }
  return 0;
}

// Sort keys per PEP 440: a missing pre sorts after any pre-release, except a bare dev release
// (1.0.dev1), which sorts before all pre-releases of 1.0.
function preKey(v: Pep440Version): [number, number] {
  if (v.pre) return v.pre;
  if (v.dev !== undefined && v.post === undefined) return [-Infinity, 0];
  return [Infinity, 0];
}

function cmpLocal(a: (number | string)[] | undefined, b: (number | string)[] | undefined): number {
  if (!a && !b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    // A shorter label sorts first when it is a prefix of the longer one.
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    // Numeric segments sort after alphanumeric ones.
    if (typeof x === 'number' && typeof y === 'number') {
      const c = cmp(x, y);
      if (c) return c;
    } else if (typeof x === 'number') return 1;
    else if (typeof y === 'number') return -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function comparePep440Parsed(a: Pep440Version, b: Pep440Version): number {
  return (
    cmp(a.epoch, b.epoch) ||
    cmpRelease(a.release, b.release) ||
    cmp(preKey(a)[0], preKey(b)[0]) ||
    cmp(preKey(a)[1], preKey(b)[1]) ||
    cmp(a.post ?? -Infinity, b.post ?? -Infinity) ||
    cmp(a.dev ?? Infinity, b.dev ?? Infinity) ||
    cmpLocal(a.local, b.local)
  );
}

/** Compares two PEP 440 versions; undefined when either is not a valid PEP 440 version. */
export function comparePep440(a: string, b: string): number | undefined {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (!x || !y) return undefined;
  return comparePep440Parsed(x, y);
}
