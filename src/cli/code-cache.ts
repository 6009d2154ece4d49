// Loads a command bundle of dist/ (cli-<command>.js) the way require() does, but through V8's code
// cache. Node 20 compiles a CommonJS file from source on every start (module.enableCompileCache
// came in Node 22): for `chaingate sbom` that is the 600 KB bundle, plus each function it runs,
// compiled lazily on first call, about a fifth of a run on a small lockfile (bench/sbom-kinds.mjs).
//
// The cache is a V8 serialization of the bundle's compiled code, taken when the process exits (so
// it holds the functions this run compiled, not just the top level), in the user's cache folder:
// $XDG_CACHE_HOME/chaingate/code-cache, else ~/.cache/chaingate/code-cache. It can only make a run
// faster, never different:
// - the file name carries a CRC-32 of the bundle's bytes, its length, and the Node version and
//   architecture, so a rebuilt or edited bundle never meets the code of another (V8 itself checks
//   only the source's length, its version and its flags, and refuses a mismatch: then the bundle
//   compiles from source). A checksum, as Node 22's own compile cache keys its entries, not a
//   SHA-256: this guards against an accidental mismatch in a folder the user owns, and hashing the
//   2 MB scan bundle with SHA-256 took 4 ms of every start, CRC-32 takes 0.5;
// - any failure to read, write or create the folder is ignored: the run compiles from source;
// - it is written once per bundle text (atomically, by rename), and older caches of the same bundle
//   are removed, so the folder does not grow with rebuilds.
// The folder is trusted like ~/.cache/chaingate/tools, where the pinned scanners run from: the
// scanned project cannot write there.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire, Module } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';

export function codeCacheDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'chaingate', 'code-cache');
}

export type CodeCacheUse = 'compiled' | 'cached' | 'rejected';

/** How each bundle of this process was compiled (for tests and benchmarks). */
export const codeCacheUse = new Map<string, CodeCacheUse>();

const bundles = new Map<string, Module>();

let tiered = false;

/**
 * A command runs for under a second, mostly through code V8 meets for the first time: at V8's
 * default interrupt budget its optimizing compiler spends CPU on functions the run is done with
 * before they pay back (a quarter of `chaingate sbom` on 2,000 packages). Four times the budget
 * still optimizes what stays hot (a lockfile of 40,000 packages runs as fast). Set here, before the
 * bundle compiles, because V8 refuses a code cache made under other flags; for the same reason
 * Node's own modules every command uses are loaded first (stdout and stderr load `net` when they
 * are pipes), or they would compile without Node's built-in code cache. Only on Node 20's V8 (11.3),
 * where it was measured: V8 prints an unknown flag on stdout, where `sbom --output -` writes.
 */
function tierForShortRun(): void {
  if (tiered || !process.versions.v8.startsWith('11.3.')) return;
  tiered = true;
  void process.stdout;
  void process.stderr;
  void parseArgs;
  setFlagsFromString(`--interrupt-budget=${4 * 67_584}`);
}

/** Caches still to write, by file name; written once, when the process exits. */
const pending = new Map<string, { dir: string; name: string; data: () => Buffer }>();

/** Writes the caches of bundles compiled from source in this process (on exit; exported for tests). */
export function writeCodeCaches(): void {
  for (const [file, { dir, name, data }] of pending) {
    pending.delete(file);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = path.join(dir, `.${file}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, data());
      fs.renameSync(tmp, path.join(dir, file));
      for (const f of fs.readdirSync(dir)) if (f !== file && f.startsWith(`${name}-`) && f.endsWith('.bin')) fs.rmSync(path.join(dir, f), { force: true });
    } catch {
      // A cache that cannot be written costs the next run its compile time, nothing else.
    }
  }
}

/** Which bundle text (and Node) a cache file belongs to: hex, in its file name. */
export function sourceKey(bytes: Buffer): string {
  const runtime = `${process.version}\0${process.arch}\0`;
  // zlib.crc32 came in Node 20.15: older Node 20 pays for a SHA-256.
  if (typeof zlib.crc32 !== 'function') return createHash('sha256').update(runtime).update(bytes).digest('hex').slice(0, 40);
  return `${(zlib.crc32(bytes, zlib.crc32(runtime)) >>> 0).toString(16).padStart(8, '0')}${bytes.length.toString(16).padStart(8, '0')}`;
}

/** require(`file`) of a self-contained CommonJS bundle, compiled with the code cache when there is one. */
export function requireBundle(file: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const filename = path.resolve(file);
  const loaded = bundles.get(filename);
  if (loaded) return loaded.exports;
  const bytes = fs.readFileSync(filename);
  // The build writes ASCII bundles (scripts/build.mjs): decoded as Latin-1 they need no UTF-8
  // pass and become a one-byte string, half the memory of the two-byte string any non-Latin-1
  // character makes of the whole 2 MB source.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const name = path.basename(filename, '.js');
  const key = sourceKey(bytes);
  const dir = codeCacheDir(env);
  const cacheFile = `${name}-${key}.bin`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(path.join(dir, cacheFile));
  } catch {
    cachedData = undefined;
  }
  tierForShortRun();
  // The same wrapper Node puts around a CommonJS module, on the first line: line numbers of stack
  // traces stay the file's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, { filename, cachedData });
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = [];
  // Registered before it runs, as require() does; in require.cache too, where tools look.
  bundles.set(filename, m);
  require.cache[filename] = m;
  try {
    (script.runInThisContext() as (...a: unknown[]) => void).call(m.exports, m.exports, createRequire(filename), m, filename, path.dirname(filename));
  } catch (e) {
    bundles.delete(filename);
    delete require.cache[filename];
    throw e;
  }
  m.loaded = true;
  const use: CodeCacheUse = cachedData === undefined ? 'compiled' : script.cachedDataRejected ? 'rejected' : 'cached';
  codeCacheUse.set(filename, use);
  if (use !== 'cached') {
    if (pending.size === 0) process.once('exit', writeCodeCaches);
    pending.set(cacheFile, { dir, name, data: () => script.createCachedData() });
  }
  return m.exports;
}
