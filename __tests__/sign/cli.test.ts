// The sign and verify commands: usage errors exit 2 with a message; keyless blob verification
// runs in-process and offline against the public-good trusted root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { command as sign } from '../../src/cli/commands/sign';
import { command as verify } from '../../src/cli/commands/verify';
import { fixture, tmpDir } from '../helpers/paths';
import { runCommand } from './cli-harness';

const GHA_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const GHA_ISSUER = 'https://token.actions.githubusercontent.com';
const cwd = tmpDir();
// No cosign on this PATH: these paths must not need it.
const env = { PATH: '/nonexistent', HOME: cwd, CHAINGATE_COSIGN_PATH: '/nonexistent/cosign', CHAINGATE_CRANE_PATH: '/nonexistent/crane' };

describe('usage errors exit 2 and say what to do', () => {
  it.each([
    [sign, [], /exactly one of --image REF or --blob FILE/],
    [sign, ['--image', 'h/a:1', '--blob', 'f'], /exactly one of/],
    [sign, ['--image', 'h/a:1'], /no signing key/],
    [sign, ['--image', 'h/a:1', '--key=-----BEGIN EC PRIVATE KEY-----\nzz\n-----END EC PRIVATE KEY-----'], /never put a key on a command line/],
    [sign, ['--blob', 'f', '--key', 'k', '--sbom', 's.json'], /apply to --image only/],
    [sign, ['--image', 'h/a:1', '--bogus'], /Unknown option '--bogus'/],
    [verify, ['--image', 'h/a:1'], /nothing to verify against/],
    [verify, ['--image', 'h/a:1', '--identity', 'x'], /--identity and --issuer go together/],
    [verify, ['--image', 'h/a:1', '--key', 'k.pub', '--require-attestation', 'spdx'], /use one of cyclonedx, vsa/],
    [verify, ['--blob', 'f'], /--blob needs --bundle/],
    [verify, ['--image', 'not a ref', '--key', 'k.pub'], /not an image reference/],
  ])('%#', async (cmd, argv, message) => {
    const r = await runCommand(cmd, argv as string[], env, cwd);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.argvs).toEqual([]);
  });

  it('names the file when the gate result is unreadable', async () => {
    fs.writeFileSync(path.join(cwd, 'bad-result.json'), '{"schemaVersion": 1');
    const r = await runCommand(sign, ['--image', 'h/a:1', '--key', 'k', '--result', 'bad-result.json'], env, cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-result\.json: the gate result is not JSON/);
  });

  it('reports a missing cosign as a tool failure (exit 3), never as signed', async () => {
    fs.writeFileSync(path.join(cwd, 'f.txt'), 'x');
    const r = await runCommand(sign, ['--blob', 'f.txt', '--key', 'k'], env, cwd);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cosign: not found/);
  });
});

describe('chaingate verify --blob with a keyless bundle, offline', () => {
  const base = ['--blob', fixture('sigstore', 'conformance-a.txt'), '--bundle', fixture('sigstore', 'conformance-happy-path-v0.3-hashedrekord-gha.sigstore.json'), '--trusted-root', fixture('sigstore', 'trusted_root.public-good.json')];

  it('verifies the right identity and issuer', async () => {
    const r = await runCommand(verify, [...base, '--identity', GHA_IDENTITY, '--issuer', GHA_ISSUER], env, cwd);
    expect(r.stdout).toContain(`ok   bundle (identity ${GHA_IDENTITY} (${GHA_ISSUER}))`);
    expect(r.code).toBe(0);
  });

  it('fails a wrong identity, a wrong issuer and a modified artifact, each with its reason', async () => {
    const wrongId = await runCommand(verify, [...base, '--identity', '^https://github\\.com/someone-else/', '--issuer', GHA_ISSUER], env, cwd);
    expect([wrongId.code, wrongId.stdout]).toEqual([1, expect.stringMatching(/\[identity-mismatch\]/)]);
    const wrongIssuer = await runCommand(verify, [...base, '--identity', GHA_IDENTITY, '--issuer', 'https://accounts.google.com'], env, cwd);
    expect([wrongIssuer.code, wrongIssuer.stdout]).toEqual([1, expect.stringMatching(/\[issuer-mismatch\]/)]);
    const modified = path.join(cwd, 'a.txt');
    fs.writeFileSync(modified, fs.readFileSync(fixture('sigstore', 'conformance-a.txt'), 'utf8').replace('DO NOT', 'DO'));
    const args = [...base];
    args[1] = modified;
    const mod = await runCommand(verify, [...args, '--identity', GHA_IDENTITY, '--issuer', GHA_ISSUER, '--output', 'out.json'], env, cwd);
    expect([mod.code, mod.stdout]).toEqual([1, expect.stringMatching(/\[artifact-mismatch\]/)]);
    const out = JSON.parse(fs.readFileSync(path.join(cwd, 'out.json'), 'utf8'));
    expect(out.findings[0]).toMatchObject({ kind: 'signature', id: 'CHAINGATE-SIG-ARTIFACT-MISMATCH', location: { path: modified } });
  });

  it('an --output that cannot be written is a configuration error naming it, not a crash', async () => {
    fs.mkdirSync(path.join(cwd, 'a-dir'), { recursive: true });
    const r = await runCommand(verify, [...base, '--identity', GHA_IDENTITY, '--issuer', GHA_ISSUER, '--output', 'a-dir'], env, cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a-dir: cannot write the verification record \(EISDIR\); choose another --output/);
  });
});
