// End to end against the real pinned cosign and crane and a throwaway docker-registry on
// loopback, key-based and fully offline (no transparency log).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { command as sign } from '../../src/cli/commands/sign';
import { command as verify } from '../../src/cli/commands/verify';
import { runTool } from '../../src/process/run-tool';
import { startRegistry, type TestRegistry } from '../helpers/registry';
import { tmpDir, toolBin } from '../helpers/paths';
import { pushImage, runCommand } from './cli-harness';
import { gateResult } from './gate-result';

jest.setTimeout(240_000);

const PASSWORD = 'e2e-key-password';
let reg: TestRegistry;
let work: string;
let env: NodeJS.ProcessEnv;
const keys: Record<'old' | 'new' | 'other', { key: string; pub: string }> = {} as never;

async function genKey(name: string): Promise<{ key: string; pub: string }> {
  const prefix = path.join(work, 'keys', name);
  fs.mkdirSync(path.dirname(prefix), { recursive: true });
  const r = await runTool(toolBin('cosign'), ['generate-key-pair', '--output-key-prefix', prefix], { env, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`generate-key-pair: ${r.stderr}`);
  return { key: `${prefix}.key`, pub: `${prefix}.pub` };
}

function sbomFile(): string {
  const f = path.join(work, 'sbom.cdx.json');
  fs.writeFileSync(
    f,
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      version: 1,
      metadata: { component: { type: 'container', name: 'app', 'bom-ref': 'app' } },
      components: [{ type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', 'bom-ref': 'pkg:npm/left-pad@1.3.0' }],
    }),
  );
  return f;
}

function resultFile(verdict: 'pass' | 'fail'): string {
  const f = path.join(work, `result-${verdict}.json`);
  fs.writeFileSync(f, JSON.stringify(gateResult(verdict)));
  return f;
}

const signImage = (ref: string, extra: string[] = [], e = env) => runCommand(sign, ['--image', ref, '--insecure-registry', '--output-dir', path.join(work, 'out'), ...extra], e, work);
const verifyImage = (ref: string, extra: string[]) => runCommand(verify, ['--image', ref, '--insecure-registry', ...extra], env, work);

beforeAll(async () => {
  work = tmpDir('chaingate-sign-');
  // HOME in the scratch dir: cosign keeps caches there; nothing of the real user's is read.
  env = { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: PASSWORD, CHAINGATE_COSIGN_PATH: toolBin('cosign'), CHAINGATE_CRANE_PATH: toolBin('crane') };
  reg = await startRegistry();
  keys.old = await genKey('old');
  keys.new = await genKey('new');
  keys.other = await genKey('other');
});

afterAll(async () => {
  await reg?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('an image signed with SBOM and verdict attestations', () => {
  let ref: string;
  let digest: string;

  beforeAll(async () => {
    ref = `${reg.host}/app:v1`;
    digest = await pushImage(ref, 'release one', work);
    const s = await signImage(ref, ['--key', keys.old.key, '--sbom', sbomFile(), '--result', resultFile('pass')]);
    expect(s.stderr).not.toMatch(/error/i);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain(`digest ${digest}`);
    expect(s.stdout).toContain(`signed ${reg.host}/app@${digest}`);
    expect(s.stdout).toMatch(/attested cyclonedx/);
    expect(s.stdout).toMatch(/attested vsa/);
    // The digest, never the tag, went to cosign.
    for (const a of s.argvs.filter((x) => x[0].endsWith('cosign'))) expect(a[a.length - 1]).toBe(`${reg.host}/app@${digest}`);
  });

  it('verifies with the key, the SBOM and the PASSED verdict', async () => {
    const v = await verifyImage(ref, ['--key', keys.old.pub, '--require-attestation', 'cyclonedx', '--require-attestation', 'vsa']);
    expect(v.stdout).toContain(`verified ${reg.host}/app@${digest}`);
    expect(v.stdout).toMatch(/ok {3}attestation vsa/);
    expect(v.code).toBe(0);
  });

  it('verifies with a keyring that also holds an unrelated key (rotation)', async () => {
    const v = await verifyImage(ref, ['--key', keys.other.pub, '--key', keys.old.pub]);
    expect(v.code).toBe(0);
  });

  it('takes image, keys and required attestations from the policy file\'s verify: section', async () => {
    const dir = path.join(work, 'policy');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(keys.old.pub, path.join(dir, 'release.pub'));
    fs.writeFileSync(
      path.join(dir, '.chaingate.yml'),
      ['version: 1', 'verify:', `  image: ${reg.host}/app@${digest}`, '  keys: [release.pub]', '  require-attestations: [cyclonedx, vsa]', '  insecure-registry: true', ''].join('\n'),
    );
    const v = await runCommand(verify, ['--config', path.join(dir, '.chaingate.yml')], env, work);
    expect(v.stdout).toMatch(/ok {3}attestation cyclonedx/);
    expect(v.code).toBe(0);
  });

  it('fails with wrong-key for another key', async () => {
    const v = await verifyImage(ref, ['--key', keys.other.pub]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/not verified: Signed with an untrusted key \[wrong-key\]/);
  });

  it('fails with revoked-key when its key is revoked, although the signature is valid', async () => {
    const v = await verifyImage(ref, ['--key', keys.old.pub, '--key', keys.new.pub, '--revoked-key', keys.old.pub]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/\[revoked-key\]: signed with a revoked key \(.*old\.pub\)/);
    expect(v.stdout).not.toMatch(/\[wrong-key\]/);
  });

  it('writes the failure as a signature finding', async () => {
    const out = path.join(work, 'verify-out.json');
    const v = await verifyImage(ref, ['--key', keys.other.pub, '--output', out]);
    expect(v.code).toBe(1);
    const o = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(o.verified).toBe(false);
    expect(o.findings).toEqual([expect.objectContaining({ kind: 'signature', tools: ['cosign'], id: 'CHAINGATE-SIG-WRONG-KEY' })]);
  });

  it('fails with unsigned-digest after the tag is re-pushed, while the old digest still verifies', async () => {
    const moved = `${reg.host}/app:v1`;
    const newDigest = await pushImage(moved, 'release one, rebuilt', work);
    expect(newDigest).not.toBe(digest);
    const v = await verifyImage(moved, ['--key', keys.old.pub]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/\[unsigned-digest\].*tag v1 now points at/);
    const old = await verifyImage(`${reg.host}/app@${digest}`, ['--key', keys.old.pub, '--require-attestation', 'vsa']);
    expect(old.code).toBe(0);
  });
});

describe('images missing something', () => {
  it('fails with no-signature for an image never signed', async () => {
    const ref = `${reg.host}/unsigned:v1`;
    await pushImage(ref, 'unsigned', work);
    const v = await verifyImage(ref, ['--key', keys.old.pub]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/\[no-signature\]/);
  });

  it('fails with attestation-missing when the SBOM or VSA was not attested', async () => {
    const ref = `${reg.host}/bare:v1`;
    await pushImage(ref, 'bare', work);
    expect((await signImage(ref, ['--key', keys.new.key])).code).toBe(0);
    expect((await verifyImage(ref, ['--key', keys.new.pub])).code).toBe(0);
    const v = await verifyImage(ref, ['--key', keys.new.pub, '--require-attestation', 'cyclonedx']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/FAIL attestation cyclonedx/);
    expect(v.stdout).toMatch(/\[attestation-missing\]/);
  });

  it('fails with vsa-failed when the gate failed', async () => {
    const ref = `${reg.host}/failed:v1`;
    await pushImage(ref, 'failed gate', work);
    expect((await signImage(ref, ['--key', keys.new.key, '--result', resultFile('fail')])).code).toBe(0);
    const v = await verifyImage(ref, ['--key', keys.new.pub, '--require-attestation', 'vsa']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/\[vsa-failed\].*says FAILED/);
    expect(v.stdout).toContain('1 high vulnerability blocks');
  });

  it('passes after rotation: old key revoked, image re-signed with the new key', async () => {
    const ref = `${reg.host}/rotated:v1`;
    await pushImage(ref, 'rotated', work);
    expect((await signImage(ref, ['--key', keys.old.key])).code).toBe(0);
    const before = await verifyImage(ref, ['--key', keys.new.pub, '--revoked-key', keys.old.pub]);
    expect(before.stdout).toMatch(/\[revoked-key\]/);
    expect((await signImage(ref, ['--key', keys.new.key])).code).toBe(0);
    const after = await verifyImage(ref, ['--key', keys.new.pub, '--revoked-key', keys.old.pub]);
    expect(after.code).toBe(0);
  });
});

describe('registry problems', () => {
  it('says the image does not exist (exit 1)', async () => {
    const v = await verifyImage(`${reg.host}/app:no-such-tag`, ['--key', keys.old.pub]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/image .*app:no-such-tag does not exist in the registry/);
  });

  it('cannot check an unreachable registry: exit 3 (incomplete), never "not signed"', async () => {
    const v = await verifyImage('127.0.0.1:1/app:v1', ['--key', keys.old.pub]);
    expect(v.code).toBe(3);
    expect(v.stderr).toMatch(/could not reach the registry/);
  });
});

describe('blobs', () => {
  it('signs into FILE.sigstore.json and verifies; a wrong key, a revoked key or a modified file fail', async () => {
    const file = path.join(work, 'release.tgz');
    fs.writeFileSync(file, 'release artifact bytes');
    const s = await runCommand(sign, ['--blob', file, '--key', keys.new.key], env, work);
    expect(s.code).toBe(0);
    const bundle = `${file}.sigstore.json`;
    expect(JSON.parse(fs.readFileSync(bundle, 'utf8')).mediaType).toMatch(/application\/vnd\.dev\.sigstore\.bundle/);

    const ok = await runCommand(verify, ['--blob', file, '--bundle', bundle, '--key', keys.new.pub], env, work);
    expect(ok.stdout).toMatch(/verified/);
    expect(ok.code).toBe(0);
    const wrong = await runCommand(verify, ['--blob', file, '--bundle', bundle, '--key', keys.other.pub], env, work);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/\[wrong-key\]/);
    const revoked = await runCommand(verify, ['--blob', file, '--bundle', bundle, '--key', keys.new.pub, '--key', keys.other.pub, '--revoked-key', keys.new.pub], env, work);
    expect(revoked.stdout).toMatch(/\[revoked-key\]/);
    fs.writeFileSync(file, 'release artifact bytes, tampered');
    const modified = await runCommand(verify, ['--blob', file, '--bundle', bundle, '--key', keys.new.pub], env, work);
    expect(modified.code).toBe(1);
    expect(modified.stdout).toMatch(/\[artifact-mismatch\]/);
  });
});
