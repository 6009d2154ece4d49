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

/** The lines of a file, and which of them hold a name token (see lineTokens), found on demand. */
export interface LineIndex {
  lines: string[];
  /** 0-based indexes (ascending) of the lines holding `token`; undefined when none does. */
  linesWith(token: string): number[] | undefined;
}

const NOT_TOKEN = /[^a-z0-9_.-]/;

/**
 * Indexes `text` for lockfileEntryLine's candidates. A gate has a few vulnerable packages to
 * place in a lockfile of tens of thousands of lines: each name is searched for in the text
 * until `searchesBeforeIndex` distinct names were, and only then is every line tokenized (which
 * costs what some thirty searches do). Either way the answer is the lines whose lineTokens hold it.
 */
export function lineIndex(text: string, searchesBeforeIndex = 32): LineIndex {
  const lines = text.split('\n');
  let byToken: Map<string, number[]> | undefined;
  let starts: number[] | undefined;
  const found = new Map<string, number[] | undefined>();
  const search = (token: string): number[] | undefined => {
    if (!starts) {
      starts = new Array<number>(lines.length);
      for (let i = 0, at = 0; i < lines.length; at += lines[i].length + 1, i++) starts[i] = at;
    }
    // The token alone, in any ASCII case (without the u flag no other letter folds to ASCII);
    // not lower-casing the text, which for a lockfile with one non-ASCII character costs more
    // than all the searches.
    const pattern = new RegExp(`(?<![A-Za-z0-9_.-])${token.replace(/\./g, '\\.')}(?![A-Za-z0-9_.-])`, 'gi');
    const out: number[] = [];
    let line = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      while (line + 1 < starts.length && starts[line + 1] <= m.index) line++;
      if (out[out.length - 1] !== line) out.push(line);
    }
    return out.length ? out : undefined;
  };
  return {
    lines,
    linesWith(token) {
      if (token === '' || NOT_TOKEN.test(token)) return undefined;
      // A package at several versions (and its name's other spellings) asks again.
      if (!byToken && found.has(token)) return found.get(token);
      if (!byToken && found.size < searchesBeforeIndex) {
        const hit = search(token);
        found.set(token, hit);
        return hit;
      }
      if (!byToken) {
        byToken = new Map();
        for (let i = 0; i < lines.length; i++)
          for (const t of new Set(lineTokens(lines[i]))) {
            const list = byToken.get(t);
            if (list) list.push(i);
            else byToken.set(t, [i]);
          }
      }
      return byToken.get(token);
    },
  };
}
