import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveToolPath } from '../../src/tools/resolve';
import { tmpDir } from '../helpers/paths';

describe('resolveToolPath', () => {
  const dir = tmpDir('chaingate-tools-');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'trivy'), '');
  const env = { CHAINGATE_TOOLS_DIR: dir };

  it('prefers CHAINGATE_<TOOL>_PATH, then the policy, then the pinned install, then PATH', () => {
    expect(resolveToolPath('trivy', { ...env, CHAINGATE_TRIVY_PATH: '/x/trivy' }, '/p/trivy')).toBe('/x/trivy');
    expect(resolveToolPath('trivy', env, '/p/trivy')).toBe('/p/trivy');
    expect(resolveToolPath('trivy', env)).toBe(path.join(dir, 'bin', 'trivy'));
    expect(resolveToolPath('cosign', env)).toBe('cosign');
  });
  it('spells the variable of a dashed tool with underscores', () => {
    expect(resolveToolPath('pip-audit', { ...env, CHAINGATE_PIP_AUDIT_PATH: '/y/pip-audit' })).toBe('/y/pip-audit');
  });
});
