import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planVerifiers, mostTelling } from '../../src/sign/run-verify';
import { ConfigError, UsageError } from '../../src/errors';
import { tmpDir } from '../helpers/paths';

function pubPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('planVerifiers', () => {
  const dir = tmpDir();
  const a = path.join(dir, 'a.pub');
  const b = path.join(dir, 'b.pub');
  const aCopy = path.join(dir, 'renamed-copy-of-a.pub');
  beforeAll(() => {
    const pa = pubPem();
    fs.writeFileSync(a, pa);
    fs.writeFileSync(aCopy, pa.replace(/\n/g, '\r\n'));
    fs.writeFileSync(b, pubPem());
  });

  it('keeps every key when none is revoked, then the keyless identity', () => {
    const id = { identity: 'x@y.z', issuer: 'https://issuer.test' };
    const p = planVerifiers({ keys: [a, b], revokedKeys: [], identity: id }, {});
    expect(p.trusted.map((v) => v.by)).toEqual([{ key: a }, { key: b }, id]);
    expect(p.revoked).toEqual([]);
  });

  it('drops a revoked key by its public key, whatever the file is called', () => {
    const p = planVerifiers({ keys: [a, b], revokedKeys: [aCopy] }, {});
    expect(p.trusted.map((v) => v.by)).toEqual([{ key: b }]);
    expect(p.revoked.map((v) => v.by)).toEqual([{ key: aCopy }]);
  });

  it('compares env:// keys by content too, and passes KMS URIs by name', () => {
    const env = { OLD_PUB: fs.readFileSync(a, 'utf8') };
    const p = planVerifiers({ keys: ['env://OLD_PUB', 'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k', b], revokedKeys: [a] }, env);
    expect(p.trusted.map((v) => v.by)).toEqual([{ key: 'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k' }, { key: b }]);
  });

  it('refuses a file that is not a public key, and a missing one, naming it', () => {
    const priv = path.join(dir, 'cosign.key');
    fs.writeFileSync(priv, '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n');
    expect(() => planVerifiers({ keys: [a], revokedKeys: [priv] }, {})).toThrow(ConfigError);
    expect(() => planVerifiers({ keys: [a], revokedKeys: [priv] }, {})).toThrow(/cosign\.key: not a PEM public key/);
    expect(() => planVerifiers({ keys: [a], revokedKeys: [path.join(dir, 'missing.pub')] }, {})).toThrow(/missing\.pub: cannot read the public key: ENOENT/);
    expect(() => planVerifiers({ keys: [], revokedKeys: [] }, {})).toThrow(UsageError);
  });
});

describe('mostTelling', () => {
  it('prefers a specific failure over "no signature" and a generic error', () => {
    const f = (reason: Parameters<typeof mostTelling>[0][number]['reason']) => ({ reason, check: 'signature', message: reason });
    expect(mostTelling([f('error'), f('no-signature'), f('wrong-key')]).reason).toBe('wrong-key');
    expect(mostTelling([f('wrong-key'), f('identity-mismatch')]).reason).toBe('identity-mismatch');
  });
});
