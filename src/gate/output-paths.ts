// Paths the gate reads and writes that the pull request may have planted: a report committed as
// a symbolic link to a secret, an output folder (chaingate-out in the checkout by default) that
// links elsewhere or holds links under the names chaingate writes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors';

function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Whether `file` leaves `roots` through a symbolic link: a report or an output folder inside the
 * project or the workspace may have been committed by the pull request as a link to a secret
 * (a token file, /etc/passwd, /proc/self/environ) or to a place to overwrite. A path whose real
 * location is inside them, or a plain path elsewhere named by whoever runs chaingate, does not.
 */
export function leavesThroughLink(file: string, roots: string[]): boolean {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    // Missing (the caller says so, or creates it), unless a dangling link stands there.
    return lexists(file) && fs.lstatSync(file).isSymbolicLink();
  }
  const realRoots = roots.flatMap((r) => {
    try {
      return [fs.realpathSync(r)];
    } catch {
      return [];
    }
  });
  if (realRoots.some((r) => isInside(real, r))) return false;
  const lexical = path.resolve(file);
  return [...roots.map((r) => path.resolve(r)), ...realRoots].some((r) => isInside(lexical, r)) || fs.lstatSync(file).isSymbolicLink();
}

/**
 * Refuses a file chaingate reads from the scanned repository (the policy, exceptions and VEX files,
 * semgrep rules named in the policy) when it lies inside `roots` but resolves, through a link,
 * outside them: the pull request could commit `.chaingate/exceptions.yml -> ~/.ssh/id_rsa`. A path
 * outside the repository was chosen by whoever runs chaingate and is read as given (a mounted
 * config map is a link, for instance).
 */
export function checkRepoFileLink(file: string, roots: string[], what: string): void {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return; // Missing: the reader says so.
  }
  const realRoots = roots.flatMap((r) => {
    try {
      return [fs.realpathSync(r)];
    } catch {
      return [];
    }
  });
  if (realRoots.some((r) => isInside(real, r))) return;
  const lexical = path.resolve(file);
  if ([...roots.map((r) => path.resolve(r)), ...realRoots].some((r) => isInside(lexical, r))) {
    throw new ConfigError(`the ${what} is a symbolic link (or inside a linked folder) leading outside the repository; commit the file itself`, file);
  }
}

export function checkReportPath(file: string, roots: string[]): void {
  if (leavesThroughLink(file, roots)) {
    throw new ConfigError('the report is a symbolic link to a file outside the project and the workspace; give the file itself', file);
  }
}

/** Whether anything (a dangling link too) stands at p; a path through a file (ENOTDIR) has nothing. */
function lexists(p: string): boolean {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** What chaingate writes in the output folder: whatever is there under these names is replaced. */
const OUTPUT_NAMES = ['chaingate-result.json', 'chaingate.sarif', 'summary.md', 'sbom.cdx.json', 'chaingate-vsa.predicate.json', 'chaingate-vsa.intoto.json', 'raw'];

/**
 * The output folder (by default chaingate-out in the checkout) may come with the pull request:
 * a link out of the workspace is refused, and links or files already under our names are removed
 * rather than written through.
 */
export async function prepareOutputDir(outDir: string, given: string, roots: string[]): Promise<void> {
  // A folder still to be made is judged by the nearest one that exists.
  let existing = outDir;
  while (!lexists(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (leavesThroughLink(existing, roots)) {
    throw new ConfigError('the output directory is a symbolic link to a place outside the project and the workspace; choose another output-dir', given);
  }
  await outputWrite(given, async () => {
    fs.mkdirSync(outDir, { recursive: true });
    for (const name of OUTPUT_NAMES) fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
  });
}

/**
 * The output directory holds the reports the pipeline asked for (the SARIF to upload, the result
 * to attest): one that cannot be written is a configuration error naming the file, not a crash.
 */
export async function outputWrite(file: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    throw new ConfigError(`cannot write to the output directory (${code}); check output-dir`, file);
  }
}
