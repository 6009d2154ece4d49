// Which values must never show: the private key and its password (and the OIDC request token).
// The shell masks them in the Actions log and redacts them from any message it prints.
import type * as Core from '@actions/core';
import { PASSWORD_ENV, PRIVATE_KEY_ENV, type SigningKey } from './key-mode';

/** Values from the env that are secret for this run, plus each line of multi-line ones. */
export function secretValues(env: NodeJS.ProcessEnv, key?: SigningKey): string[] {
  const names = new Set([PASSWORD_ENV, PRIVATE_KEY_ENV, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'SIGSTORE_ID_TOKEN']);
  if (key?.kind === 'env') names.add(key.variable);
  const out = new Set<string>();
  for (const n of names) {
    const v = env[n];
    if (!v) continue;
    out.add(v);
    if (v.trim()) out.add(v.trim());
    // The runner masks line by line, so a PEM must be registered one line at a time.
    for (const line of v.split(/\r?\n/)) {
      const t = line.trim();
      if (t.length >= 4 && !/^-----(BEGIN|END) /.test(t)) out.add(t);
    }
  }
  return [...out];
}

/** The toolkit's mask in GitHub Actions; outside Actions nothing reads the log as a mask list. */
export function defaultMask(env: NodeJS.ProcessEnv): (value: string) => void {
  if (env.GITHUB_ACTIONS !== 'true') return () => undefined;
  // Required here only: the toolkit brings an HTTP client along, which the CLI would otherwise
  // load (about 50 ms) on every start; its bundles do not even contain it (src/actions-core.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require('../actions-core') as typeof Core;
  return (v) => core.setSecret(v);
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}
