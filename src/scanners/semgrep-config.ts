// Where Semgrep's configured rule files are: apart from the adapter, because the gate checks them
// before any scanner runs, and loading the adapter (its parser and schemas) is deferred to the
// first run of Semgrep (src/gate/deps.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Config entries that name an existing file or folder, made absolute. Semgrep reads `p/...`,
 * `r/...` and `s/...` as registry packs even when a local path of that name exists, and prefixes
 * rule ids with the config's path, so local entries are always passed as absolute paths.
 */
export function absoluteConfigs(config: string[], dir: string, exists: (p: string) => boolean = fs.existsSync): string[] {
  return config.map((c) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(c)) return c;
    const abs = path.resolve(dir, c);
    return exists(abs) ? abs : c;
  });
}
