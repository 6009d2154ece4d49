import { byDigest, parseImageRef, signatureTag } from '../../src/sign/image-ref';

const D = 'sha256:' + 'b'.repeat(64);

describe('parseImageRef', () => {
  it.each([
    ['127.0.0.1:5000/app:v1', { repository: '127.0.0.1:5000/app', tag: 'v1' }],
    ['127.0.0.1:5000/team/app', { repository: '127.0.0.1:5000/team/app' }],
    [`127.0.0.1:5000/app@${D}`, { repository: '127.0.0.1:5000/app', digest: D }],
    [`registry.test/app:v1@${D}`, { repository: 'registry.test/app', tag: 'v1', digest: D }],
  ])('%s', (ref, want) => expect(parseImageRef(ref)).toEqual(want));

  it.each(['', 'a b', 'app@sha256:short', 'app:bad/tag', '/app', 'app/', 'app:-x'])('rejects %j', (ref) => expect(parseImageRef(ref)).toBeUndefined());

  it('names digests and signature tags', () => {
    expect(byDigest('h/app', D)).toBe(`h/app@${D}`);
    expect(signatureTag(D)).toBe(`sha256-${'b'.repeat(64)}.sig`);
  });
});
