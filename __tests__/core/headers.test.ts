// The headers scanner's pure checks, branch by branch: redirects, HSTS, CSP (strict-dynamic,
// nonces, several policies, <meta>), framing, cookies (never their values), referrer, CORS, and
// the <meta> scan of an HTML head.
import { checkObservation, displayUrl, HEADER_CHECKS, isSessionLike, metaCsps, nextHop, parseHsts, type ObservedResponse } from '../../src/core/headers';

const URL0 = 'https://app.example.test/';
const PROBE = 'https://probe.invalid';

const GOOD: [string, string][] = [
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['content-security-policy', "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
];

/** GOOD with headers replaced (by name) or removed (value null), then extra lines appended. */
function headers(changes: Record<string, string | null> = {}, extra: [string, string][] = []): [string, string][] {
  const out = GOOD.filter(([n]) => !(n in changes));
  for (const [n, v] of Object.entries(changes)) if (v !== null) out.push([n, v]);
  return [...out, ...extra];
}

function response(h: [string, string][], more: Partial<ObservedResponse> = {}): ObservedResponse {
  return { url: URL0, status: 200, headers: h, metaCsp: [], ...more };
}

function ids(chain: ObservedResponse[], url = chain[0].url): string[] {
  return checkObservation({ url, probeOrigin: PROBE, chain })
    .findings.map((f) => f.id.replace('chaingate.headers.', ''))
    .sort();
}

const one = (h: [string, string][], more: Partial<ObservedResponse> = {}) => ids([response(h, more)]);

describe('displayUrl', () => {
  it('drops user info, query and fragment; says when it is not a URL', () => {
    expect(displayUrl('https://u:p@h.test:8443/a/b?code=SECRET#frag')).toBe('https://h.test:8443/a/b?…');
    expect(displayUrl('http://h.test/x#y')).toBe('http://h.test/x');
    expect(displayUrl('::')).toBe('(not a URL)');
  });
});

describe('nextHop', () => {
  const visited = ['https://a.test/'];
  it('ends on a non-redirect status or a redirect without Location', () => {
    expect(nextHop('https://a.test/', 200, '/x', visited, 10)).toEqual({ kind: 'final' });
    expect(nextHop('https://a.test/', 302, undefined, visited, 10)).toEqual({ kind: 'final' });
    expect(nextHop('https://a.test/', 304, '/x', visited, 10)).toEqual({ kind: 'final' });
  });
  it('resolves a relative Location and drops its fragment', () => {
    expect(nextHop('https://a.test/dir/', 301, '../b#top', visited, 10)).toEqual({ kind: 'redirect', url: 'https://a.test/b' });
    expect(nextHop('http://a.test/', 308, 'https://a.test/', ['http://a.test/'], 10)).toEqual({ kind: 'redirect', url: 'https://a.test/' });
  });
  it('refuses a Location that is not a URL, not http(s), a loop, or one hop too many', () => {
    expect(nextHop('https://a.test/', 302, 'http://[::1', visited, 10)).toEqual({ kind: 'error', reason: 'https://a.test/ answered 302 with a Location that is not a URL' });
    expect(nextHop('https://a.test/', 302, 'javascript:alert(1)', visited, 10)).toEqual({ kind: 'error', reason: 'https://a.test/ redirects to a javascript: URL, not http(s)' });
    expect(nextHop('https://a.test/', 302, 'file:///etc/passwd', visited, 10)).toMatchObject({ kind: 'error', reason: expect.stringContaining('file: URL') });
    expect(nextHop('https://a.test/b', 302, '/', ['https://a.test/', 'https://a.test/b'], 10)).toEqual({ kind: 'error', reason: 'redirect loop: https://a.test/b leads back to https://a.test/' });
    const three = ['https://a.test/1', 'https://a.test/2', 'https://a.test/3'];
    expect(nextHop('https://a.test/3', 302, '/4', three, 2)).toEqual({ kind: 'error', reason: 'more than 2 redirects (last at https://a.test/3)' });
    expect(nextHop('https://a.test/3', 302, '/4', three, 3)).toEqual({ kind: 'redirect', url: 'https://a.test/4' });
  });
});

describe('parseHsts', () => {
  it('reads max-age (quoted too) and includeSubDomains, in any case, skipping empty parts', () => {
    expect(parseHsts('max-age=31536000; includeSubDomains; preload')).toEqual({ maxAge: 31536000, includeSubDomains: true });
    expect(parseHsts(';; MAX-AGE="600" ;')).toEqual({ maxAge: 600, includeSubDomains: false });
    expect(parseHsts('INCLUDESUBDOMAINS; max-age=1')).toEqual({ maxAge: 1, includeSubDomains: true });
  });
  it('says why a browser ignores it', () => {
    expect(parseHsts('max-age=1; max-age=2')).toEqual({ invalid: 'the directive max-age appears twice' });
    expect(parseHsts('max-age=abc')).toEqual({ invalid: 'max-age is not a number of seconds' });
    expect(parseHsts('max-age')).toEqual({ invalid: 'max-age is not a number of seconds' });
    expect(parseHsts('includeSubDomains')).toEqual({ invalid: 'it has no max-age' });
  });
});

describe('checkObservation: HTTPS and redirects', () => {
  const hop = (url: string, status = 200, h: [string, string][] = headers()) => response(h, { url, status });
  it('passes good headers over HTTPS, and an http URL redirected to https at once', () => {
    expect(one(headers())).toEqual([]);
    expect(ids([hop('http://a.test/', 301, []), hop('https://a.test/')])).toEqual([]);
  });
  it('finds plain HTTP without a redirect, or a first hop that stays on HTTP; skips HSTS there', () => {
    const plain = checkObservation({ url: 'http://a.test/', probeOrigin: PROBE, chain: [hop('http://a.test/', 200, headers({ 'strict-transport-security': null }))] });
    expect(plain.findings.map((f) => [f.id, f.severity, f.description])).toEqual([['chaingate.headers.no-https-redirect', 'high', 'http://a.test/ answered 200 over plain HTTP without redirecting.']]);
    expect(ids([hop('http://a.test/', 301, []), hop('http://www.a.test/', 301, []), hop('https://www.a.test/')])).toEqual(['no-https-redirect']);
  });
  it('finds one downgrade however many, and never for a chain that stays on HTTPS', () => {
    const chain = [hop('https://a.test/', 302, []), hop('http://b.test/', 302, []), hop('https://c.test/', 302, []), hop('http://d.test/')];
    const r = checkObservation({ url: 'https://a.test/', probeOrigin: PROBE, chain });
    expect(r.findings.map((f) => f.id)).toEqual(['chaingate.headers.https-downgrade']);
    expect(r.findings[0].description).toBe('https://a.test/ redirects to http://b.test/.');
    expect(ids([hop('https://a.test/', 302, []), hop('https://b.test/')])).toEqual([]);
  });
  it('locates every finding at the URL it was given, and uses the final response', () => {
    const r = checkObservation({ url: 'https://a.test/start?x=1', probeOrigin: PROBE, chain: [hop('https://a.test/start?x=1', 302, []), hop('https://a.test/end', 200, headers({ 'x-content-type-options': null }))] });
    expect(r.findings.map((f) => f.location)).toEqual([{ path: 'https://a.test/start?x=1' }]);
  });
  it('is incomplete on a 5xx (saying where in the chain), notes a 4xx', () => {
    expect(checkObservation({ url: URL0, probeOrigin: PROBE, chain: [hop(URL0, 502)] }).incomplete).toBe(`${URL0} answered 502: a server error page is not the application`);
    expect(checkObservation({ url: URL0, probeOrigin: PROBE, chain: [hop(URL0, 302, []), hop('https://app.example.test/down', 500)] }).incomplete).toBe(
      `${URL0} answered 500 (at https://app.example.test/down): a server error page is not the application`,
    );
    const notFound = checkObservation({ url: URL0, probeOrigin: PROBE, chain: [hop(URL0, 404)] });
    expect(notFound.incomplete).toBeUndefined();
    expect(notFound.notes).toEqual([`${URL0} answered 404: its headers were checked as they are`]);
  });
});

describe('checkObservation: HSTS', () => {
  const hsts = (v: string | null) => one(headers({ 'strict-transport-security': v }));
  it('finds a missing, invalid or zero header as hsts-missing', () => {
    expect(hsts(null)).toEqual(['hsts-missing']);
    expect(hsts('max-age=1; max-age=1')).toEqual(['hsts-missing']);
    expect(hsts('max-age=0; includeSubDomains')).toEqual(['hsts-missing']);
  });
  it('finds a short max-age and a missing includeSubDomains, each on its own', () => {
    expect(hsts('max-age=31535999; includeSubDomains')).toEqual(['hsts-max-age-short']);
    expect(hsts('max-age=31536000')).toEqual(['hsts-no-include-subdomains']);
    expect(hsts('max-age=60')).toEqual(['hsts-max-age-short', 'hsts-no-include-subdomains']);
  });
  it('reads the first header only, as browsers do', () => {
    expect(one([...headers({ 'strict-transport-security': 'max-age=31536000; includeSubDomains' }), ['strict-transport-security', 'max-age=0']])).toEqual([]);
  });
});

describe('checkObservation: CSP', () => {
  const csp = (...values: string[]) =>
    one([...headers({ 'content-security-policy': null }), ...values.map((v): [string, string] => ['content-security-policy', v])]);
  const TAIL = "; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
  it('finds no enforced policy, saying report-only does not enforce', () => {
    expect(csp()).toEqual(['csp-missing', 'framing-unrestricted']);
    const r = checkObservation({ url: URL0, probeOrigin: PROBE, chain: [response([...headers({ 'content-security-policy': null, 'x-frame-options': 'DENY' }), ['content-security-policy-report-only', "default-src 'self'"]])] });
    expect(r.findings.map((f) => f.id)).toEqual(['chaingate.headers.csp-missing']);
    expect(r.findings[0].description).toContain('Report-Only reports, it does not enforce');
    expect(one(headers({ 'content-security-policy': null, 'x-frame-options': 'DENY' }))).toEqual(['csp-missing']);
    // An empty header is no policy.
    expect(csp(' ; ')).toEqual(['csp-missing', 'framing-unrestricted']);
  });
  it("ignores 'unsafe-inline' beside a nonce or a hash, and host and scheme sources beside 'strict-dynamic'", () => {
    expect(csp(`script-src 'self' 'unsafe-inline'${TAIL}`)).toEqual(['csp-unsafe-inline']);
    expect(csp(`script-src 'nonce-abc' 'unsafe-inline'${TAIL}`)).toEqual([]);
    expect(csp(`script-src 'sha256-AAAA' 'UNSAFE-INLINE'${TAIL}`)).toEqual([]);
    expect(csp(`script-src 'nonce-abc' 'strict-dynamic' https: http: *${TAIL}`)).toEqual([]);
    // 'strict-dynamic' without a nonce or hash: the scheme source still counts.
    expect(csp(`script-src 'strict-dynamic' https:${TAIL}`)).toEqual(['csp-script-unrestricted']);
    expect(csp(`script-src 'self' 'unsafe-eval' 'nonce-x'${TAIL}`)).toEqual(['csp-unsafe-eval']);
  });
  it('finds wildcards, scheme-only and any-host sources, falling back to default-src', () => {
    for (const src of ['*', 'data:', 'https:', 'blob:', 'https://*']) expect(csp(`default-src 'self' ${src}${TAIL}`)).toEqual(['csp-script-unrestricted']);
    expect(csp(`default-src *; script-src 'self'${TAIL}`)).toEqual([]);
    expect(csp(`script-src 'self' https://cdn.example.test${TAIL}`)).toEqual([]);
  });
  it('says a policy without script-src or default-src once, as unrestricted', () => {
    const r = checkObservation({ url: URL0, probeOrigin: PROBE, chain: [response(headers({ 'content-security-policy': `img-src 'self'${TAIL}` }))] });
    expect(r.findings.map((f) => [f.id, f.description])).toEqual([['chaingate.headers.csp-script-unrestricted', 'Scripts may load from any host: a policy has neither script-src nor default-src.']]);
  });
  it('applies every enforced policy: one strict policy is enough; header lists split on commas', () => {
    expect(csp(`script-src 'unsafe-inline' 'unsafe-eval' *${TAIL}`, "script-src 'self'")).toEqual([]);
    expect(csp(`script-src 'unsafe-inline' *${TAIL}, script-src 'self'`)).toEqual([]);
    // Without a script directive, the second policy still allows inline script.
    expect(csp(`img-src 'self'${TAIL}`, "script-src 'unsafe-inline' 'self'")).toEqual(['csp-unsafe-inline']);
    expect(csp(`script-src 'self' https:${TAIL}`, 'script-src *')).toEqual(['csp-script-unrestricted']);
  });
  it("wants object-src 'none' (or default-src 'none') and a base-uri", () => {
    expect(csp("default-src 'self'; base-uri 'self'; frame-ancestors 'self'")).toEqual(['csp-object-src']);
    expect(csp("default-src 'none'; base-uri 'self'; frame-ancestors 'self'")).toEqual([]);
    expect(csp("default-src 'self'; object-src 'none' 'self'; base-uri 'self'; frame-ancestors 'self'")).toEqual(['csp-object-src']);
    expect(csp("default-src 'self'; object-src 'NONE'; frame-ancestors 'self'")).toEqual(['csp-base-uri-missing']);
  });
  it('reads <meta> policies, without their frame-ancestors', () => {
    const meta = (m: string[], h = headers({ 'content-security-policy': null })) => one(h, { metaCsp: m });
    expect(meta([`default-src 'self'${TAIL}`])).toEqual(['framing-unrestricted']);
    expect(meta([`default-src 'self'${TAIL}`], headers({ 'content-security-policy': null, 'x-frame-options': 'sameorigin' }))).toEqual([]);
    // Only ignored directives: no policy at all.
    expect(meta(["frame-ancestors 'none'; report-uri /r; sandbox"])).toEqual(['csp-missing', 'framing-unrestricted']);
    expect(meta(["script-src 'self'"], headers({ 'content-security-policy': "script-src 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'" }))).toEqual([]);
  });
});

describe('checkObservation: framing', () => {
  const frame = (c: Record<string, string | null>) => one(headers(c));
  it("takes frame-ancestors without a wildcard, else X-Frame-Options DENY or SAMEORIGIN", () => {
    expect(frame({ 'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors *" })).toEqual(['framing-unrestricted']);
    expect(frame({ 'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors https:" })).toEqual(['framing-unrestricted']);
    expect(frame({ 'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors https://parent.test" })).toEqual([]);
    const noAncestors = "default-src 'self'; object-src 'none'; base-uri 'self'";
    expect(frame({ 'content-security-policy': noAncestors, 'x-frame-options': ' DENY ' })).toEqual([]);
    expect(frame({ 'content-security-policy': noAncestors, 'x-frame-options': 'ALLOW-FROM https://x.test' })).toEqual(['framing-unrestricted']);
  });
});

describe('checkObservation: cookies', () => {
  const cookies = (...lines: string[]) => {
    const r = checkObservation({ url: URL0, probeOrigin: PROBE, chain: [response([...headers(), ...lines.map((l): [string, string] => ['set-cookie', l])])] });
    return r.findings.map((f) => ({ id: f.id.replace('chaingate.headers.', ''), title: f.title, description: f.description }));
  };
  it('passes cookies with every flag, and a non-session cookie without HttpOnly', () => {
    expect(cookies('__Host-sid=v1; Path=/; Secure; HttpOnly; SameSite=Strict', 'theme=v2; Secure; SameSite=Lax', '__Secure-x=v3; Secure; SameSite=None')).toEqual([]);
  });
  it('finds each missing flag, by cookie name, once per name, and never the value', () => {
    const r = cookies('sessionid=VALUE-ONE; Path=/', 'sessionid=VALUE-TWO; Path=/other', 'lang=VALUE-THREE; SameSite=Lax');
    expect(r.map((x) => [x.id, x.title])).toEqual([
      ['cookie-no-secure', 'Cookie without Secure: sessionid, lang'],
      ['cookie-no-httponly', 'Session cookie without HttpOnly: sessionid'],
      ['cookie-no-samesite', 'Cookie without SameSite: sessionid'],
    ]);
    expect(JSON.stringify(r)).not.toContain('VALUE-');
  });
  it('checks the __Host- and __Secure- prefix rules, case-insensitively', () => {
    const ok = '; Secure; SameSite=Lax';
    expect(cookies(`__Host-a=1; Path=/${ok}`)).toEqual([]);
    expect(cookies(`__host-b=1; Path=/; Domain=example.test${ok}`).map((x) => x.title)).toEqual(['Cookie breaks the rules of its __Host- or __Secure- prefix: __host-b']);
    expect(cookies(`__Host-c=1${ok}`).map((x) => x.id)).toEqual(['cookie-prefix-invalid']);
    expect(cookies('__Host-d=1; Path=/; SameSite=Lax').map((x) => x.id)).toEqual(['cookie-no-secure', 'cookie-prefix-invalid']);
    expect(cookies('__SECURE-e=1; SameSite=Lax').map((x) => x.id)).toEqual(['cookie-no-secure', 'cookie-prefix-invalid']);
  });
  it('reads cookies set on redirects too, names a nameless cookie, clips long names and lists', () => {
    const chain = [response([['set-cookie', 'auth=TOKEN-VALUE; Secure; SameSite=Lax']], { status: 302 }), response(headers(), { url: 'https://app.example.test/home' })];
    expect(checkObservation({ url: URL0, probeOrigin: PROBE, chain }).findings.map((f) => f.title)).toEqual(['Session cookie without HttpOnly: auth']);
    expect(cookies('JUSTAVALUE; Secure; SameSite=Lax').map((x) => x.title)).toEqual([]);
    expect(cookies('JUSTAVALUE').map((x) => x.title)).toEqual(['Cookie without Secure: (nameless cookie)', 'Cookie without SameSite: (nameless cookie)']);
    expect(cookies(`${'n'.repeat(100)}=1; Secure`)[0].title).toBe(`Cookie without SameSite: ${'n'.repeat(80)}…`);
    const many = cookies(...Array.from({ length: 23 }, (_, i) => `c${i}=1; Secure`));
    expect(many[0].title).toBe('Cookie without SameSite: c0, c1, c2, c3, c4, …');
    expect(many[0].description).toMatch(/c19 and 3 more\.$/);
  });
  it('skips a line tough-cookie (and browsers) refuse', () => {
    expect(cookies('a=b\u0001; Path=/')).toEqual([]);
  });
  it.each([
    ['PHPSESSID', true], ['JSESSIONID', true], ['connect.sid', true], ['ASP.NET_SessionId', true], ['laravel_session', true], ['sid', true], ['_sid', true], ['usersid', true],
    ['access_token', true], ['Authorization', true], ['jwt', true], ['remember_me', true], ['login', true], ['identity', true],
    ['csrftoken', false], ['XSRF-TOKEN', false], ['theme', false], ['consider', false], ['lang', false], ['', false],
  ])('isSessionLike(%s) is %s', (name, expected) => {
    expect(isSessionLike(name as string)).toBe(expected);
  });
});

describe('checkObservation: nosniff, referrer, CORS', () => {
  it('wants X-Content-Type-Options nosniff, quoting at most 100 characters of another value', () => {
    expect(one(headers({ 'x-content-type-options': 'NoSniff ' }))).toEqual([]);
    const r = checkObservation({ url: URL0, probeOrigin: PROBE, chain: [response(headers({ 'x-content-type-options': 'x'.repeat(150) }))] });
    expect(r.findings[0].description).toBe(`X-Content-Type-Options is "${'x'.repeat(100)}…".`);
    expect(checkObservation({ url: URL0, probeOrigin: PROBE, chain: [response(headers({ 'x-content-type-options': null }))] }).findings[0].description).toBe('The header is absent.');
  });
  it('applies the last Referrer-Policy token a browser knows', () => {
    const rp = (...v: string[]) => one([...headers({ 'referrer-policy': null }), ...v.map((x): [string, string] => ['referrer-policy', x])]);
    expect(rp()).toEqual(['referrer-policy-missing']);
    expect(rp('bogus')).toEqual(['referrer-policy-missing']);
    expect(rp('unsafe-url')).toEqual(['referrer-policy-unsafe']);
    expect(rp('No-Referrer-When-Downgrade')).toEqual(['referrer-policy-unsafe']);
    expect(rp('unsafe-url, strict-origin-when-cross-origin, made-up')).toEqual([]);
    expect(rp('no-referrer', 'unsafe-url')).toEqual(['referrer-policy-unsafe']);
  });
  it('finds * with credentials, and the probe origin reflected with credentials, not without', () => {
    const cors = (o: string, c?: string) => one([...headers(), ['access-control-allow-origin', o], ...(c ? [['access-control-allow-credentials', c] as [string, string]] : [])]);
    expect(cors('*', 'true')).toEqual(['cors-wildcard-credentials']);
    expect(cors('*', 'TRUE ')).toEqual(['cors-wildcard-credentials']);
    expect(cors('*')).toEqual([]);
    expect(cors(PROBE, 'true')).toEqual(['cors-origin-reflected']);
    expect(cors(PROBE)).toEqual([]);
    expect(cors('https://partner.test', 'true')).toEqual([]);
  });
  it('gives each check its documented severity', () => {
    const r = checkObservation({ url: 'http://a.test/', probeOrigin: PROBE, chain: [response([['access-control-allow-origin', PROBE], ['access-control-allow-credentials', 'true']], { url: 'http://a.test/' })] });
    for (const f of r.findings) expect(f.severity).toBe(HEADER_CHECKS[f.id.replace('chaingate.headers.', '') as keyof typeof HEADER_CHECKS].severity);
    expect(r.findings.every((f) => f.kind === 'misconfiguration' && f.tools[0] === 'headers')).toBe(true);
  });
});

describe('metaCsps', () => {
  const CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`;
  it('reads the head, with any quoting and case, decoding entities', () => {
    expect(metaCsps(`<html><head>${CSP}</head></html>`)).toEqual(["default-src 'self'"]);
    expect(metaCsps(`<HEAD><META HTTP-EQUIV='content-security-policy' CONTENT='script-src &apos;none&apos; &amp; &quot;x&quot; &lt;&gt; &#39;&#34;'>`)).toEqual([`script-src 'none' & "x" <> '"`]);
    expect(metaCsps('<meta http-equiv=Content-Security-Policy content=default-src>')).toEqual(['default-src']);
    expect(metaCsps('<meta content="a" http-equiv="content-security-policy" content="b">')).toEqual(['a']);
    expect(metaCsps(`${CSP}<meta http-equiv="Content-Security-Policy" content="object-src 'none'"/>`)).toEqual(["default-src 'self'", "object-src 'none'"]);
  });
  it('skips other metas, metas without content, comments and raw text', () => {
    expect(metaCsps('<meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="5">')).toEqual([]);
    expect(metaCsps('<meta http-equiv="Content-Security-Policy">')).toEqual([]);
    // An empty content is an empty policy, which enforces nothing (checkObservation drops it).
    expect(metaCsps('<meta http-equiv="Content-Security-Policy" content>')).toEqual(['']);
    expect(metaCsps(`<!-- ${CSP} -->`)).toEqual([]);
    expect(metaCsps(`<script>var s = '${CSP}';</script>${CSP}`)).toEqual(["default-src 'self'"]);
    expect(metaCsps(`<title>${CSP}</title><style>${CSP}</STYLE >`)).toEqual([]);
    expect(metaCsps(`<!-- never closed ${CSP}`)).toEqual([]);
    expect(metaCsps(`<script>${CSP}`)).toEqual([]);
  });
  it('stops at </head> or <body, where browsers stop honouring it', () => {
    expect(metaCsps(`<head></head >${CSP}`)).toEqual([]);
    expect(metaCsps(`<body class="x">${CSP}`)).toEqual([]);
    expect(metaCsps(`${CSP}<body>${CSP}`)).toEqual(["default-src 'self'"]);
  });
  it('stays linear on hostile input', () => {
    const started = Date.now();
    expect(metaCsps('<meta<script<meta '.repeat(100_000))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
