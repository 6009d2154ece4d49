// The `headers` scanner's checks: what a deployed URL's responses (redirect chain, headers,
// <meta> CSPs) say about its HTTPS, HSTS, CSP, cookies, framing, sniffing, referrer and CORS
// posture, as findings. Pure: the shell (scanners/headers.ts) makes the requests and hands over
// what it observed. Cookie values never leave here: only cookie names are reported.
import parseContentSecurityPolicy from 'content-security-policy-parser';
import { Cookie } from 'tough-cookie';
import { makeFinding, type Finding, type Severity } from './finding';

export const HEADERS_TOOL = 'headers';

/** One response of a URL's redirect chain, as observed. */
export interface ObservedResponse {
  /** The URL requested (display form: see displayUrl). */
  url: string;
  status: number;
  /** Every header line in order, names lower-cased (a repeated header appears repeatedly). */
  headers: [string, string][];
  /** `content` of each `<meta http-equiv="Content-Security-Policy">` in the document's head. */
  metaCsp: string[];
}

export interface Observation {
  /** The URL as the policy or --url gave it: every finding's location. */
  url: string;
  /** The Origin header sent with each request, to see whether the server reflects it. */
  probeOrigin: string;
  /** From the URL itself to the final response; never empty. */
  chain: ObservedResponse[];
}

export interface CheckOutcome {
  findings: Finding[];
  /** Why this URL's scan cannot vouch for the application (a 5xx page), or undefined. */
  incomplete?: string;
  notes: string[];
}

/** HSTS max-age that counts as long enough: one year, what preload lists ask for. */
export const HSTS_MIN_MAX_AGE = 31_536_000;

interface Check {
  severity: Severity;
  title: string;
}

/** Every finding id of the scanner (without the `chaingate.headers.` prefix), with its severity. */
export const HEADER_CHECKS = {
  'no-https-redirect': { severity: 'high', title: 'Served over plain HTTP, not redirected to HTTPS at once' },
  'https-downgrade': { severity: 'high', title: 'Redirect chain leaves HTTPS for plain HTTP' },
  'hsts-missing': { severity: 'medium', title: 'No valid Strict-Transport-Security header' },
  'hsts-max-age-short': { severity: 'low', title: 'Strict-Transport-Security max-age shorter than one year' },
  'hsts-no-include-subdomains': { severity: 'low', title: 'Strict-Transport-Security without includeSubDomains' },
  'csp-missing': { severity: 'medium', title: 'No enforced Content-Security-Policy' },
  'csp-unsafe-inline': { severity: 'medium', title: "Content-Security-Policy allows inline scripts ('unsafe-inline' without a nonce or hash)" },
  'csp-unsafe-eval': { severity: 'low', title: "Content-Security-Policy allows eval ('unsafe-eval')" },
  'csp-script-unrestricted': { severity: 'medium', title: 'Content-Security-Policy does not restrict script sources' },
  'csp-object-src': { severity: 'low', title: "Content-Security-Policy without object-src 'none'" },
  'csp-base-uri-missing': { severity: 'low', title: 'Content-Security-Policy without base-uri' },
  'framing-unrestricted': { severity: 'medium', title: 'Any site may frame the page (no frame-ancestors, no X-Frame-Options)' },
  'cookie-no-secure': { severity: 'medium', title: 'Cookie without Secure' },
  'cookie-no-httponly': { severity: 'medium', title: 'Session cookie without HttpOnly' },
  'cookie-no-samesite': { severity: 'low', title: 'Cookie without SameSite' },
  'cookie-prefix-invalid': { severity: 'low', title: 'Cookie breaks the rules of its __Host- or __Secure- prefix' },
  'nosniff-missing': { severity: 'low', title: 'No X-Content-Type-Options: nosniff' },
  'referrer-policy-missing': { severity: 'low', title: 'No valid Referrer-Policy' },
  'referrer-policy-unsafe': { severity: 'medium', title: 'Referrer-Policy sends full URLs to other sites' },
  'cors-wildcard-credentials': { severity: 'medium', title: 'CORS: Access-Control-Allow-Origin * with credentials' },
  'cors-origin-reflected': { severity: 'high', title: 'CORS: any Origin is reflected with credentials' },
} satisfies Record<string, Check>;
export type HeaderCheckId = keyof typeof HEADER_CHECKS;

export const HEADERS_ID_PREFIX = 'chaingate.headers.';

/**
 * A URL as it may be shown: no user info, no query, no fragment. A redirect's Location can carry
 * an OAuth code or a session token in its query; the path and host are what a reader needs.
 */
export function displayUrl(u: string): string {
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    return '(not a URL)';
  }
  const tail = parsed.search ? '?…' : '';
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${tail}`;
}

export type NextHop = { kind: 'final' } | { kind: 'redirect'; url: string } | { kind: 'error'; reason: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * What follows a response: the final answer, the next URL of a redirect, or why the chain cannot
 * be followed (a Location that is not http(s), a loop, too many hops). `visited` holds the URLs
 * requested so far, this one included.
 */
export function nextHop(from: string, status: number, location: string | undefined, visited: readonly string[], maxHops: number): NextHop {
  if (!REDIRECTS.has(status) || location === undefined) return { kind: 'final' };
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return { kind: 'error', reason: `${displayUrl(from)} answered ${status} with a Location that is not a URL` };
  }
  // A redirect to javascript:, file:, data: ... is not followed: no browser would load it as the page.
  if (to.protocol !== 'https:' && to.protocol !== 'http:') {
    return { kind: 'error', reason: `${displayUrl(from)} redirects to a ${to.protocol} URL, not http(s)` };
  }
  to.hash = '';
  if (visited.includes(to.href)) return { kind: 'error', reason: `redirect loop: ${displayUrl(from)} leads back to ${displayUrl(to.href)}` };
  if (visited.length > maxHops) return { kind: 'error', reason: `more than ${maxHops} redirects (last at ${displayUrl(from)})` };
  return { kind: 'redirect', url: to.href };
}

function values(r: ObservedResponse, name: string): string[] {
  return r.headers.filter(([n]) => n === name).map(([, v]) => v);
}

function first(r: ObservedResponse, name: string): string | undefined {
  return values(r, name)[0];
}

const isHttps = (u: string) => u.startsWith('https:');

/** At most 100 characters of a header value, for a description. */
function quote(v: string): string {
  const clipped = v.length > 100 ? `${v.slice(0, 100)}…` : v;
  return JSON.stringify(clipped);
}

// --- HSTS (RFC 6797 section 6.1) ---------------------------------------------------------------

export interface Hsts {
  maxAge: number;
  includeSubDomains: boolean;
}

/** A Strict-Transport-Security value, or why a browser ignores it. */
export function parseHsts(value: string): Hsts | { invalid: string } {
  const seen = new Set<string>();
  let maxAge: number | undefined;
  for (const part of value.split(';')) {
    const d = part.trim();
    if (d === '') continue;
    const eq = d.indexOf('=');
    const name = (eq === -1 ? d : d.slice(0, eq)).trim().toLowerCase();
    // "All directives MUST appear only once": a repeated one makes the header invalid.
    if (seen.has(name)) return { invalid: `the directive ${name} appears twice` };
    seen.add(name);
    if (name !== 'max-age') continue;
    const raw = eq === -1 ? '' : d.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (!/^\d+$/.test(raw)) return { invalid: 'max-age is not a number of seconds' };
    maxAge = Number(raw);
  }
  if (maxAge === undefined) return { invalid: 'it has no max-age' };
  return { maxAge, includeSubDomains: seen.has('includesubdomains') };
}

// --- CSP -------------------------------------------------------------------------------------

type Policy = Map<string, string[]>;

/** Enforced policies: each header may list several (comma-separated); a <meta> holds one. */
function enforcedPolicies(r: ObservedResponse): { header: Policy[]; meta: Policy[] } {
  const header = values(r, 'content-security-policy')
    .flatMap((v) => v.split(','))
    .map((p) => parseContentSecurityPolicy(p))
    .filter((p) => p.size > 0);
  const meta = r.metaCsp.map((p) => {
    const parsed = parseContentSecurityPolicy(p);
    // Browsers ignore these three in a <meta> policy.
    for (const d of ['frame-ancestors', 'report-uri', 'sandbox']) parsed.delete(d);
    return parsed;
  }).filter((p) => p.size > 0);
  return { header, meta };
}

const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
const isNonceOrHash = (s: string) => /^'(nonce-|sha256-|sha384-|sha512-)/.test(s);
/** `*`, a scheme alone (`https:`, `data:`, `blob:`), or any host of a scheme (`https://*`). */
const isBroad = (s: string) => s === '*' || /^[a-z][a-z0-9+.-]*:$/.test(s) || /^[a-z][a-z0-9+.-]*:\/\/\*\/?$/.test(s);

interface ScriptPosture {
  unsafeInline: boolean;
  unsafeEval: boolean;
  /** Neither script-src nor default-src: nothing about scripts is restricted. */
  missing: boolean;
  /** Why scripts may come from anywhere, or undefined. */
  unrestricted?: string;
}

/**
 * How one policy governs scripts. With a nonce or a hash a browser ignores 'unsafe-inline' (CSP2
 * on), and with 'strict-dynamic' as well it ignores host and scheme sources too (CSP3): both are
 * the backward-compatible way strict policies are written, and not a weakness.
 */
function scriptPosture(p: Policy): ScriptPosture {
  const directive = p.get('script-src') ?? p.get('default-src');
  if (directive === undefined) return { unsafeInline: true, unsafeEval: true, missing: true, unrestricted: 'a policy has neither script-src nor default-src' };
  const src = lower(directive);
  const nonceOrHash = src.some(isNonceOrHash);
  const strictDynamic = nonceOrHash && src.includes("'strict-dynamic'");
  const broad = strictDynamic ? [] : src.filter(isBroad);
  return {
    unsafeInline: src.includes("'unsafe-inline'") && !nonceOrHash,
    unsafeEval: src.includes("'unsafe-eval'"),
    missing: false,
    unrestricted: broad.length ? `its ${p.has('script-src') ? 'script-src' : 'default-src'} allows ${broad.join(' ')}` : undefined,
  };
}

// --- Cookies ---------------------------------------------------------------------------------

/**
 * Cookies that hold a session or a credential, which script must not read: names with session,
 * sess, sid, auth, token, jwt, login, remember or identity in them (PHPSESSID, JSESSIONID,
 * connect.sid, ASP.NET_SessionId, laravel_session, access_token, remember_me...). A CSRF token
 * (csrf, xsrf) is excluded: the double-submit pattern has script read it on purpose.
 */
export function isSessionLike(name: string): boolean {
  const n = name.toLowerCase();
  if (/csrf|xsrf/.test(n)) return false;
  return /sess|auth|token|jwt|login|remember|identity/.test(n) || /(^|[^a-z])sid([^a-z]|$)|sid$/.test(n);
}

/** A cookie's name as reported: clipped, and said to be empty when it is. */
function cookieLabel(name: string): string {
  if (name === '') return '(nameless cookie)';
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}

interface CookieProblems {
  noSecure: string[];
  noHttpOnly: string[];
  noSameSite: string[];
  prefix: string[];
}

function cookieProblems(chain: ObservedResponse[]): CookieProblems {
  const out: CookieProblems = { noSecure: [], noHttpOnly: [], noSameSite: [], prefix: [] };
  const add = (list: string[], name: string) => {
    const label = cookieLabel(name);
    if (!list.includes(label)) list.push(label);
  };
  for (const r of chain) {
    for (const line of values(r, 'set-cookie')) {
      // Loose, as browsers read it (RFC 6265bis): `x` alone is a nameless cookie.
      const c = Cookie.parse(line, { loose: true });
      // tough-cookie refuses only what a browser ignores too (control characters...).
      if (!c) continue;
      const name = c.key;
      if (!c.secure) add(out.noSecure, name);
      if (!c.httpOnly && isSessionLike(name)) add(out.noHttpOnly, name);
      if (c.sameSite === undefined) add(out.noSameSite, name);
      const n = name.toLowerCase();
      if (n.startsWith('__host-') && (!c.secure || c.path !== '/' || c.domain)) add(out.prefix, name);
      else if (n.startsWith('__secure-') && !c.secure) add(out.prefix, name);
    }
  }
  return out;
}

// --- Referrer-Policy -------------------------------------------------------------------------

const REFERRER_TOKENS = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);

/** The policy a browser applies: the last token it knows, over all the header's values. */
function referrerPolicy(r: ObservedResponse): string | undefined {
  const tokens = values(r, 'referrer-policy')
    .flatMap((v) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => REFERRER_TOKENS.has(t));
  return tokens[tokens.length - 1];
}

// --- All checks --------------------------------------------------------------------------------

function httpsProblems(o: Observation): { id: HeaderCheckId; description: string }[] {
  const out: { id: HeaderCheckId; description: string }[] = [];
  const urls = o.chain.map((r) => r.url);
  if (!isHttps(urls[0])) {
    const nextUrl = urls[1];
    if (nextUrl === undefined) out.push({ id: 'no-https-redirect', description: `${displayUrl(urls[0])} answered ${o.chain[0].status} over plain HTTP without redirecting.` });
    else if (!isHttps(nextUrl)) out.push({ id: 'no-https-redirect', description: `${displayUrl(urls[0])} redirects to ${displayUrl(nextUrl)}, not to HTTPS.` });
  }
  for (let i = 1; i < urls.length; i++) {
    if (isHttps(urls[i - 1]) && !isHttps(urls[i])) {
      out.push({ id: 'https-downgrade', description: `${displayUrl(urls[i - 1])} redirects to ${displayUrl(urls[i])}.` });
      break;
    }
  }
  return out;
}

function hstsProblems(final: ObservedResponse): { id: HeaderCheckId; description: string }[] {
  // A browser ignores the header over plain HTTP; that case is no-https-redirect or https-downgrade.
  if (!isHttps(final.url)) return [];
  const raw = first(final, 'strict-transport-security');
  if (raw === undefined) return [{ id: 'hsts-missing', description: 'The response has no Strict-Transport-Security header.' }];
  const h = parseHsts(raw);
  if ('invalid' in h) return [{ id: 'hsts-missing', description: `Strict-Transport-Security ${quote(raw)} is ignored by browsers: ${h.invalid}.` }];
  if (h.maxAge === 0) return [{ id: 'hsts-missing', description: 'Strict-Transport-Security max-age=0 tells browsers to forget HSTS for the host.' }];
  const out: { id: HeaderCheckId; description: string }[] = [];
  if (h.maxAge < HSTS_MIN_MAX_AGE) out.push({ id: 'hsts-max-age-short', description: `max-age=${h.maxAge}; at least ${HSTS_MIN_MAX_AGE} (one year) is expected.` });
  if (!h.includeSubDomains) out.push({ id: 'hsts-no-include-subdomains', description: 'Without includeSubDomains a subdomain can be reached over plain HTTP and set cookies for the site.' });
  return out;
}

function cspProblems(final: ObservedResponse): { id: HeaderCheckId; description: string }[] {
  const { header, meta } = enforcedPolicies(final);
  const all = [...header, ...meta];
  const out: { id: HeaderCheckId; description: string }[] = [];
  if (all.length === 0) {
    const reportOnly = values(final, 'content-security-policy-report-only').length > 0;
    out.push({
      id: 'csp-missing',
      description: `Neither a Content-Security-Policy header nor a <meta http-equiv="Content-Security-Policy"> was found${reportOnly ? ' (Content-Security-Policy-Report-Only reports, it does not enforce)' : ''}.`,
    });
  } else {
    // Every enforced policy applies: a script runs only if all allow it, so one strict policy suffices.
    const scripts = all.map(scriptPosture);
    // No policy says anything of scripts: one finding says so, not three.
    const silent = scripts.every((s) => s.missing);
    if (!silent && scripts.every((s) => s.unsafeInline)) out.push({ id: 'csp-unsafe-inline', description: "Inline scripts run: no enforced policy forbids them ('unsafe-inline' without a nonce or hash, or no script-src/default-src)." });
    if (!silent && scripts.every((s) => s.unsafeEval)) out.push({ id: 'csp-unsafe-eval', description: "eval() and new Function() run: no enforced policy forbids them ('unsafe-eval', or no script-src/default-src)." });
    if (scripts.every((s) => s.unrestricted !== undefined)) {
      out.push({ id: 'csp-script-unrestricted', description: `Scripts may load from any host: ${scripts.map((s) => s.unrestricted).join('; ')}.` });
    }
    const objectNone = all.some((p) => {
      const d = p.get('object-src') ?? p.get('default-src');
      return d !== undefined && d.length === 1 && d[0].toLowerCase() === "'none'";
    });
    if (!objectNone) out.push({ id: 'csp-object-src', description: "Neither object-src nor default-src is 'none': plugins can load content." });
    if (!all.some((p) => p.has('base-uri'))) out.push({ id: 'csp-base-uri-missing', description: 'Without base-uri an injected <base> tag redirects every relative script URL.' });
  }
  return out;
}

function framingProblem(final: ObservedResponse): { id: HeaderCheckId; description: string }[] {
  // frame-ancestors counts only from a header (browsers ignore it in <meta>).
  const ancestors = enforcedPolicies(final).header.some((p) => {
    const d = p.get('frame-ancestors');
    return d !== undefined && !lower(d).some(isBroad);
  });
  if (ancestors) return [];
  // X-Frame-Options is the older control; every browser still honours DENY and SAMEORIGIN
  // (ALLOW-FROM is ignored), so it protects against clickjacking as well for the page itself.
  const xfo = first(final, 'x-frame-options')?.trim().toLowerCase();
  if (xfo === 'deny' || xfo === 'sameorigin') return [];
  return [{ id: 'framing-unrestricted', description: 'No Content-Security-Policy frame-ancestors and no X-Frame-Options DENY or SAMEORIGIN: the page can be framed for clickjacking.' }];
}

function cookieFindings(chain: ObservedResponse[]): { id: HeaderCheckId; description: string; names: string[] }[] {
  const p = cookieProblems(chain);
  const out: { id: HeaderCheckId; description: string; names: string[] }[] = [];
  const list = (names: string[]) => names.slice(0, 20).join(', ') + (names.length > 20 ? ` and ${names.length - 20} more` : '');
  if (p.noSecure.length) out.push({ id: 'cookie-no-secure', names: p.noSecure, description: `Sent over plain HTTP too: ${list(p.noSecure)}.` });
  if (p.noHttpOnly.length) out.push({ id: 'cookie-no-httponly', names: p.noHttpOnly, description: `Readable by any script on the page: ${list(p.noHttpOnly)}.` });
  if (p.noSameSite.length) out.push({ id: 'cookie-no-samesite', names: p.noSameSite, description: `No SameSite attribute (browsers differ in the default): ${list(p.noSameSite)}.` });
  if (p.prefix.length) {
    out.push({ id: 'cookie-prefix-invalid', names: p.prefix, description: `__Host- needs Secure, Path=/ and no Domain; __Secure- needs Secure; browsers drop these: ${list(p.prefix)}.` });
  }
  return out;
}

function otherProblems(final: ObservedResponse, probeOrigin: string): { id: HeaderCheckId; description: string }[] {
  const out: { id: HeaderCheckId; description: string }[] = [];
  const xcto = first(final, 'x-content-type-options');
  if (xcto?.trim().toLowerCase() !== 'nosniff') out.push({ id: 'nosniff-missing', description: xcto === undefined ? 'The header is absent.' : `X-Content-Type-Options is ${quote(xcto)}.` });
  const referrer = referrerPolicy(final);
  if (referrer === undefined) out.push({ id: 'referrer-policy-missing', description: 'No Referrer-Policy a browser recognizes.' });
  else if (referrer === 'unsafe-url' || referrer === 'no-referrer-when-downgrade') {
    out.push({ id: 'referrer-policy-unsafe', description: `Referrer-Policy ${referrer} sends the full URL (path and query) to other sites.` });
  }
  const acao = first(final, 'access-control-allow-origin')?.trim();
  // Fetch requires exactly "true"; anything else read as true here fails closed.
  const credentials = first(final, 'access-control-allow-credentials')?.trim().toLowerCase() === 'true';
  if (credentials && acao === '*') out.push({ id: 'cors-wildcard-credentials', description: 'Access-Control-Allow-Origin * with Access-Control-Allow-Credentials true.' });
  if (credentials && acao === probeOrigin) {
    out.push({ id: 'cors-origin-reflected', description: `Sent Origin ${probeOrigin}, it came back in Access-Control-Allow-Origin with Access-Control-Allow-Credentials true: any site can read authenticated responses.` });
  }
  return out;
}

function finding(o: Observation, id: HeaderCheckId, description: string, names?: string[]): Finding {
  const check: Check = HEADER_CHECKS[id];
  return makeFinding({
    tool: HEADERS_TOOL,
    kind: 'misconfiguration',
    severity: check.severity,
    id: `${HEADERS_ID_PREFIX}${id}`,
    title: names ? `${check.title}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}` : check.title,
    description,
    location: { path: o.url },
  });
}

/** Every check on one URL's observed chain; the headers of its final response are the page's. */
export function checkObservation(o: Observation): CheckOutcome {
  const final = o.chain[o.chain.length - 1];
  const notes: string[] = [];
  let incomplete: string | undefined;
  // An error page is not the application: its headers say nothing of the application's.
  if (final.status >= 500) incomplete = `${displayUrl(o.url)} answered ${final.status}${o.chain.length > 1 ? ` (at ${displayUrl(final.url)})` : ''}: a server error page is not the application`;
  else if (final.status >= 400) notes.push(`${displayUrl(o.url)} answered ${final.status}: its headers were checked as they are`);
  const found = [...httpsProblems(o), ...hstsProblems(final), ...cspProblems(final), ...framingProblem(final), ...otherProblems(final, o.probeOrigin)];
  const findings = [...found.map((p) => finding(o, p.id, p.description)), ...cookieFindings(o.chain).map((p) => finding(o, p.id, p.description, p.names))];
  return { findings, incomplete, notes };
}

/**
 * `<meta http-equiv="Content-Security-Policy" content="...">` of an HTML document's head. No HTML
 * tokenizer is among our dependencies, and this needs only the head's meta tags: a bounded scan
 * that skips comments and the raw text of script/style/title/noscript/textarea (where `<meta`
 * is text), and stops at `<body` or `</head>`, where a browser stops honouring the pragma.
 */
export function metaCsps(html: string): string[] {
  const out: string[] = [];
  const tag = /<!--[\s\S]*?(?:-->|$)|<(script|style|title|noscript|textarea)\b[^<>]*>[\s\S]*?(?:<\/\1\s*>|$)|<\/head\s*>|<body\b|<meta\b([^<>]*)>/gi;
  for (let m = tag.exec(html); m !== null; m = tag.exec(html)) {
    const text = m[0].toLowerCase();
    if (text.startsWith('</head') || text.startsWith('<body')) break;
    if (m[2] === undefined) continue;
    const attrs = attributes(m[2]);
    if (attrs.get('http-equiv')?.trim().toLowerCase() === 'content-security-policy' && attrs.has('content')) out.push(attrs.get('content') as string);
  }
  return out;
}

/** A tag's attributes (first occurrence wins, as in HTML), values with the common entities decoded. */
function attributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const attr = /([^\s"'=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let m = attr.exec(s); m !== null; m = attr.exec(s)) {
    const name = m[1].toLowerCase();
    if (!out.has(name)) out.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', '#39': "'", '#34': '"' };

function decodeEntities(s: string): string {
  return s.replace(/&(amp|quot|apos|lt|gt|#39|#34);/gi, (_, e: string) => ENTITIES[e.toLowerCase()]);
}
