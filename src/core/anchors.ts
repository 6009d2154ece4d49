// The line a finding belongs on when its tool gave none, so code scanning shows the alert where
// a developer acts: a vulnerable package's entry in its lockfile, a Dockerfile check's
// instruction. Pure: text in, 1-based line out.

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A name as a pattern: PyPI treats -, _ and . alike and ignores case; others match as written. */
function namePattern(name: string, pypi: boolean): string {
  return pypi ? name.split(/[-_.]+/).map(escape).join('[-_.]+') : escape(name);
}

const VERSION_WINDOW = 8;

/**
 * The line of the package's entry in a lockfile: where the entry for `name` at `version` starts
 * (package-lock `"node_modules/name": {`, yarn `name@range:`, pnpm `/name@version:`, poetry
 * `name = "name"`, requirements `name==version`, go.mod `module version`), else the first line
 * naming the package with the version on it or just below. Undefined when it is not there.
 * `candidates` (0-based line indexes, ascending) limits the search to lines that can hold the
 * name: a caller looking up thousands of packages indexes the file once (see lineTokens).
 */
export function lockfileEntryLine(file: string, lines: readonly string[], name: string, version: string, candidates?: Iterable<number>): number | undefined {
  const base = file.replace(/\\/g, '/').split('/').pop() as string;
  const pypi = /^requirements.*\.txt$|^poetry\.lock$|^Pipfile\.lock$|^uv\.lock$/.test(base);
  const n = namePattern(name, pypi);
  const v = escape(version);
  const hasVersion = new RegExp(`(^|[^\\w.+-])v?${v}(?![\\w.+-])`);
  let entry: RegExp;
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') entry = new RegExp(`"(?:[^"]*/)?node_modules/${n}"\\s*:\\s*\\{`);
  else if (base === 'yarn.lock') entry = new RegExp(`^(?:"?[^\\s"]+"?, )*"?${n}@`);
  else if (base === 'pnpm-lock.yaml') entry = new RegExp(`^\\s+['"]?/?${n}[@/]${v}(?:[(:'"]|$)`);
  else if (base === 'poetry.lock') entry = new RegExp(`^name = "${n}"$`, 'i');
  else if (pypi) entry = new RegExp(`^\\s*${n}(?:\\[[^\\]]*\\])?\\s*===?\\s*${v}(?![\\w.+-])`, 'i');
  else if (base === 'go.mod') entry = new RegExp(`^\\s*(?:require\\s+)?${n}\\s+${v}(?![\\w.+-])`);
  else entry = new RegExp(`(^|[\\s"'/@])${n}(?=["'@=:\\s]|$)`);
  for (const i of candidates ?? lines.keys()) {
    if (!entry.test(lines[i])) continue;
    for (let j = i; j < Math.min(lines.length, i + VERSION_WINDOW); j++) {
      if (hasVersion.test(lines[j])) return i + 1;
      // The next entry starts: this one was for another version.
      if (j > i && lines[j].trim() === '') break;
    }
  }
  return undefined;
}

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Dockerfile instructions with their first line; continuation lines and comments folded away. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '' || t.startsWith('#')) continue;
    const start = i;
    let body = t;
    while (body.endsWith('\\') && i + 1 < lines.length) body = body.slice(0, -1) + ' ' + lines[++i].trim();
    const m = /^([A-Za-z]+)\s*(.*)$/.exec(body) as RegExpExecArray;
    out.push({ line: start + 1, keyword: m[1].toUpperCase(), args: m[2] });
  }
  return out;
}

/**
 * The instruction a Dockerfile check is about when the check names no line: for "runs as root"
 * (Trivy DS-0002, Checkov CKV_DOCKER_3 and kin) the final stage's last USER, else its FROM; for
 * anything else missing from the image (a HEALTHCHECK...), the final stage's FROM.
 */
export function dockerfileInstructionLine(text: string, checkId: string): number | undefined {
  const all = instructions(text);
  let from = -1;
  all.forEach((x, i) => {
    if (x.keyword === 'FROM') from = i;
  });
  if (from < 0) return undefined;
  const stage = all.slice(from);
  if (/^(DS-?0*2|AVD-DS-0*2|CKV_DOCKER_(3|8))$/i.test(checkId)) {
    const users = stage.filter((x) => x.keyword === 'USER');
    if (users.length) return users[users.length - 1].line;
  }
  return stage[0].line;
}

/**
 * The lower-cased names a line could be the entry of (split at what no package name holds), for
 * an index of a lockfile. Only ASCII letters fold: package names are ASCII, and lineIndex's
 * search folds the same way.
 */
export function lineTokens(line: string): string[] {
  return line
    .split(/[^A-Za-z0-9_.-]+/)
    .filter((t) => t !== '')
    .map((t) => t.toLowerCase());
}

/** The index key of a package name: its last path segment, lower-cased (what lineTokens yields for it). */
export function nameToken(name: string): string {
  return (name.toLowerCase().split('/').pop() as string).replace(/^@/, '');
}

/** A file's lines, and which of them hold a name token (see lineTokens), found on demand. */
export interface LineIndex {
  /** The whole text (for a Dockerfile). */
  readonly text: string;
  /**
   * Its lines, as `text.split('\n')` gives them; only the lines linesWith named (and the few
   * after each, where lockfileEntryLine looks for the version) are sure to be filled in.
   */
  lines: string[];
  /** 0-based indexes (ascending) of the lines holding `token`; undefined when none does. */
  linesWith(token: string): number[] | undefined;
}

const NOT_TOKEN = /[^a-z0-9_.-]/;

function isTokenChar(c: number): boolean {
  // a-z 0-9 _ . -
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/**
 * Indexes a file's UTF-8 `bytes` for lockfileEntryLine's candidates. A gate has a few vulnerable
 * packages to place in a lockfile of tens of thousands of lines: each name is searched for in
 * the bytes (ASCII letters folded) until `searchesBeforeIndex` distinct names were; only then
 * are all the tokens indexed in one pass (which costs what some thirty searches do). Either way
 * the answer is the lines whose lineTokens hold the name, and only the lines found (and the few
 * after each, where the version is) are decoded.
 */
export function lineIndex(bytes: Buffer, searchesBeforeIndex = 32): LineIndex {
  let text: string | undefined;
  let lines: string[] | undefined;
  // The bytes one character each (Latin-1), lower-cased: offsets stay byte offsets (no Latin-1
  // letter changes length or becomes ASCII), and a one-byte string is the fastest to search.
  let lower: string | undefined;
  let starts: number[] = [];
  let byToken: Map<string, number[]> | undefined;
  const found = new Map<string, number[] | undefined>();
  const prepare = (): string => {
    if (lower === undefined) {
      lower = bytes.toString('latin1').toLowerCase();
      starts = [0];
      for (let i = lower.indexOf('\n'); i >= 0; i = lower.indexOf('\n', i + 1)) starts.push(i + 1);
      lines ??= new Array<string>(starts.length);
    }
    return lower;
  };
  /** The 0-based line of each offset (ascending), once per line; its window decoded. */
  const linesAt = (offsets: Iterable<number>): number[] | undefined => {
    const out: number[] = [];
    for (const o of offsets) {
      // The last line starting at or before o.
      let lo = out.length ? out[out.length - 1] : 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= o) lo = mid;
        else hi = mid - 1;
      }
      if (out[out.length - 1] !== lo) out.push(lo);
    }
    const all = lines as string[];
    for (const i of out)
      for (let j = i; j < Math.min(starts.length, i + VERSION_WINDOW); j++)
        all[j] ??= bytes.toString('utf8', starts[j], j + 1 < starts.length ? starts[j + 1] - 1 : bytes.length);
    return out.length ? out : undefined;
  };
  function* occurrences(low: string, token: string): Generator<number> {
    for (let hit = low.indexOf(token); hit >= 0; hit = low.indexOf(token, hit + 1)) {
      if (hit > 0 && isTokenChar(low.charCodeAt(hit - 1))) continue;
      if (isTokenChar(low.charCodeAt(hit + token.length))) continue;
      yield hit;
    }
  }
  const index = {
    get text() {
      return (text ??= bytes.toString('utf8'));
    },
    get lines() {
      return (lines ??= index.text.split('\n'));
    },
    linesWith(token: string): number[] | undefined {
      if (token === '' || NOT_TOKEN.test(token)) return undefined;
      // A package at several versions (and its name's other spellings) asks again.
      if (!found.has(token)) {
        const low = prepare();
        if (!byToken && found.size >= searchesBeforeIndex) {
          // Every token's offsets in one pass; lines are worked out for those asked for.
          byToken = new Map();
          const re = /[a-z0-9_.-]+/g;
          for (let m = re.exec(low); m; m = re.exec(low)) {
            const list = byToken.get(m[0]);
            if (list) list.push(m.index);
            else byToken.set(m[0], [m.index]);
          }
        }
        found.set(token, linesAt(byToken ? (byToken.get(token) ?? []) : occurrences(low, token)));
      }
      return found.get(token);
    },
  };
  return index;
}
