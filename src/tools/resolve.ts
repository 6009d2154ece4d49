// Where a tool binary is: CHAINGATE_<TOOL>_PATH, then the policy's tools.<tool>.path, then the
// pinned install of scripts/install-tools.sh ($CHAINGATE_TOOLS_DIR/bin), then PATH.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function resolveToolPath(tool: string, env: NodeJS.ProcessEnv, fromPolicy?: string): string {
  const fromEnv = env[`CHAINGATE_${tool.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PATH`];
  if (fromEnv) return fromEnv;
  if (fromPolicy) return fromPolicy;
  const pinned = path.join(env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin', tool);
  return fs.existsSync(pinned) ? pinned : tool;
}
