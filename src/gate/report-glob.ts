// `--report TOOL=PATH` with a glob (`shards/*/chaingate-result.json`): the files it names, sorted.
// A pattern that names no file stays as it is, so the gate reports it as missing: never as clean.
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';

const MAX_FILES = 10_000;

export function expandReportPath(file: string): string[] {
  if (!picomatch.scan(file).isGlob) return [file];
  const abs = path.resolve(file).split(path.sep).join('/');
  const { base } = picomatch.scan(abs);
  const isMatch = picomatch(abs, { dot: false });
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (found.length >= MAX_FILES) return;
      const p = `${dir}/${e.name}`;
      // Symbolic links are not followed: a link to / would walk the machine.
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isMatch(p)) found.push(p);
    }
  };
  walk(base || '/');
  return found.length ? found.sort() : [file];
}
