// Where cosign and crane are: CHAINGATE_COSIGN_PATH / CHAINGATE_CRANE_PATH, the policy's
// tools.<name>.path (checked: see checkPolicyToolPath), the pinned install of
// scripts/install-tools.sh, then PATH.
import { resolveToolPath, type PolicyTools } from '../tools/resolve';

export interface SignTools {
  cosign: string;
  crane: string;
}

export function signTools(env: NodeJS.ProcessEnv, fromPolicy: PolicyTools = {}): SignTools {
  return { cosign: resolveToolPath('cosign', env, fromPolicy.cosign), crane: resolveToolPath('crane', env, fromPolicy.crane) };
}
