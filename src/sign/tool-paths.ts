// Where cosign and crane are: CHAINGATE_COSIGN_PATH / CHAINGATE_CRANE_PATH, the policy's
// tools.<name>.path, the pinned install of scripts/install-tools.sh, then PATH.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SignTools {
  cosign: string;
  crane: string;
}

export function signTools(env: NodeJS.ProcessEnv, fromPolicy: Partial<SignTools> = {}): SignTools {
  const installedDir = path.join(env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');
  const pick = (name: keyof SignTools): string => {
    const explicit = env[`CHAINGATE_${name.toUpperCase()}_PATH`] ?? fromPolicy[name];
    if (explicit) return explicit;
    const pinned = path.join(installedDir, name);
    return fs.existsSync(pinned) ? pinned : name;
  };
  return { cosign: pick('cosign'), crane: pick('crane') };
}
