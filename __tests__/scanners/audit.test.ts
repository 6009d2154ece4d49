// The audit scanner against the real tools: the real `npm audit` talking to a local server that
// speaks npm's bulk advisory API, the real pip-audit with its service unreachable, and the OSV
// matcher over real lockfiles with the real advisories (offline folder, or a local OSV API).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as semver from 'semver';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { mergeFindings, type Finding } from '../../src/core/finding';
import { ChaingateError, ToolError } from '../../src/errors';
import { createAuditScanner, auditErrorObject, isEndpointFailure } from '../../src/scanners/audit';
import type { ScanContext } from '../../src/scanners/types';
import { expectGolden } from '../helpers/golden';
import { fixture, tmpDir, toolBin } from '../helpers/paths';
import { allAdvisories } from '../osv/advisories';
import { closedPort, startOsvServer } from '../osv/osv-server';
import { BERRY_LOCK, PNPM_LOCK, YARN_LOCK } from '../helpers/vulnerable-lockfiles';

const OSV_DB = fixture('osv-advisories');

const PACKAGE_JSON = { name: 'audit-demo', version: '1.0.0', dependencies: { lodash: '4.17.20', minimist: '1.2.5', qs: '6.5.2' } };

function packageLock(): unknown {
  const pkg = (name: string, version: string) => ({
    version,
    // Never fetched: npm audit reads versions from the lockfile.
    resolved: `http://127.0.0.1:9/${name}/-/${name}-${version}.tgz`,
    integrity: `sha512-${Buffer.from(`${name}@${version}`).toString('base64')}`,
  });
  return {
    name: 'audit-demo',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'audit-demo', version: '1.0.0', dependencies: PACKAGE_JSON.dependencies },
      'node_modules/lodash': pkg('lodash', '4.17.20'),
      'node_modules/minimist': pkg('minimist', '1.2.5'),
      'node_modules/qs': pkg('qs', '6.5.2'),
    },
  };
}

/** A project with an npm lockfile, pinned requirements and a go.mod, all with known-vulnerable versions. */
function makeProject(): string {
  const dir = tmpDir('chaingate-audit-');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(PACKAGE_JSON, null, 2));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(packageLock(), null, 2));
  fs.mkdirSync(path.join(dir, 'py'));
  fs.writeFileSync(path.join(dir, 'py', 'requirements.txt'), 'jinja2==3.1.3\nPyYAML==5.3.1\nrequests==2.31.0\n');
  fs.mkdirSync(path.join(dir, 'svc'));
  fs.writeFileSync(path.join(dir, 'svc', 'go.mod'), 'module example.com/svc\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.7\n');
  return dir;
}

// npm's bulk advisory API: POST /-/npm/v1/security/advisories/bulk with {name: [versions]}
// (gzip-encoded by npm), answering {name: [{id, url, title, severity, vulnerable_versions, cwe, cvss}]}
// for the names asked about.
const BULK_ADVISORIES: Record<string, unknown[]> = {
  lodash: [
    {
      id: 1106913,
      url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
      title: 'Command Injection in lodash',
      severity: 'high',
      vulnerable_versions: '<4.17.21',
      patched_versions: '>=4.17.21',
      github_advisory_id: 'GHSA-35jh-r3h4-6jhm',
      cves: ['CVE-2021-23337'],
      cwe: ['CWE-77', 'CWE-94'],
      cvss: { score: 7.2, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' },
    },
  ],
  minimist: [
    {
      id: 1097677,
      url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h',
      title: 'Prototype Pollution in minimist',
      severity: 'critical',
      vulnerable_versions: '<0.2.4 || >=1.0.0 <1.2.6',
      patched_versions: '>=1.2.6',
      github_advisory_id: 'GHSA-xvch-5gv4-984h',
      cves: ['CVE-2021-44906'],
      cwe: ['CWE-1321'],
      cvss: { score: 9.8, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    },
  ],
  'left-pad': [{ id: 1, url: 'https://github.com/advisories/GHSA-0000-0000-0000', title: 'never asked', severity: 'low', vulnerable_versions: '*', cwe: [], cvss: { score: 0, vectorString: null } }],
};

const PACKUMENT_VERSIONS: Record<string, string[]> = {
  lodash: ['4.17.20', '4.17.21'],
  minimist: ['1.2.5', '1.2.6'],
  qs: ['6.5.2', '6.5.3'],
};

interface NpmServer {
  registry: string;
  bulkBodies: unknown[];
  auditBodies: unknown[];
  close(): Promise<void>;
}

interface AuditNode {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, AuditNode>;
}

/** Installed name@version and its path (names joined by >) in an npm 6 audit request tree. */
function installed(node: AuditNode, prefix: string[] = []): { name: string; version: string; path: string; dev: boolean }[] {
  return Object.entries(node.dependencies ?? {}).flatMap(([name, child]) => [
    ...(child.version ? [{ name, version: child.version, path: [...prefix, name].join('>'), dev: child.dev === true }] : []),
    ...installed(child, [...prefix, name]),
  ]);
}

type BulkAdvisory = { id: number; severity: string; vulnerable_versions: string } & Record<string, unknown>;

/**
 * npm 6's audit API (`POST /-/npm/v1/security/audits[/quick]`, still used by pnpm): the request is
 * the dependency tree, the answer the report with `actions`, `advisories` (each with the installed
 * versions it matched and their paths), `muted` and `metadata`.
 */
function npm6Report(tree: AuditNode): unknown {
  const deps = installed(tree);
  const advisories: Record<string, unknown> = {};
  const actions: unknown[] = [];
  const counts: Record<string, number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  for (const [name, list] of Object.entries(BULK_ADVISORIES)) {
    for (const adv of list as BulkAdvisory[]) {
      const hits = deps.filter((d) => d.name === name && semver.satisfies(d.version, adv.vulnerable_versions));
      if (!hits.length) continue;
      const versions = [...new Set(hits.map((h) => h.version))];
      advisories[String(adv.id)] = {
        ...adv,
        module_name: name,
        findings: versions.map((version) => ({ version, paths: hits.filter((h) => h.version === version).map((h) => h.path) })),
        access: 'public',
        metadata: null,
        overview: adv.title,
        recommendation: `Upgrade to version ${String(adv.patched_versions).replace('>=', '')} or later`,
      };
      actions.push({ action: 'review', module: name, resolves: hits.map((h) => ({ id: adv.id, path: h.path, dev: h.dev, optional: false, bundled: false })) });
      counts[adv.severity] += hits.length;
    }
  }
  return { actions, advisories, muted: [], metadata: { vulnerabilities: counts, dependencies: deps.length, devDependencies: 0, optionalDependencies: 0, totalDependencies: deps.length } };
}

async function startNpmAdvisoryServer(): Promise<NpmServer> {
  const bulkBodies: unknown[] = [];
  const auditBodies: unknown[] = [];
  let registry = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.method === 'POST' && req.url === '/-/npm/v1/security/advisories/bulk') {
        const asked = JSON.parse(body.toString('utf8')) as Record<string, string[]>;
        bulkBodies.push(asked);
        const answer = Object.fromEntries(Object.keys(asked).filter((n) => BULK_ADVISORIES[n]).map((n) => [n, BULK_ADVISORIES[n]]));
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(answer));
      }
      if (req.method === 'POST' && (req.url === '/-/npm/v1/security/audits/quick' || req.url === '/-/npm/v1/security/audits')) {
        const tree = JSON.parse(body.toString('utf8')) as AuditNode;
        auditBodies.push(tree);
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(npm6Report(tree)));
      }
      // Packuments (GET /name): yarn 4 reads them after the bulk request; npm uses them for fixAvailable.
      const name = decodeURIComponent((req.url ?? '').slice(1));
      const versions = req.method === 'GET' ? PACKUMENT_VERSIONS[name] : undefined;
      if (versions) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const manifest = (version: string) => ({ name, version, dist: { tarball: `${registry}${name}/-/${name}-${version}.tgz` } });
        return res.end(JSON.stringify({ name, 'dist-tags': { latest: versions[versions.length - 1] }, versions: Object.fromEntries(versions.map((v) => [v, manifest(v)])) }));
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  registry = `http://127.0.0.1:${port}/`;
  return { registry, bulkBodies, auditBodies, close: () => new Promise((r) => server.close(() => r())) };
}

interface Ctx extends ScanContext {
  lines: string[];
}

function context(dir: string, env: NodeJS.ProcessEnv, tools: Record<string, string> = {}): Ctx {
  const workDir = tmpDir('chaingate-audit-work-');
  const lines: string[] = [];
  return {
    dir,
    workDir,
    toolPath: (t) => tools[t] ?? (t === 'pip-audit' ? toolBin('pip-audit') : t),
    timeoutMs: 120_000,
    env,
    log: (l) => lines.push(l),
    lines,
  };
}

/** Environment in which nothing but 127.0.0.1 is reachable: every proxy is a closed port. */
async function sealedEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const dead = `http://127.0.0.1:${await closedPort()}`;
  return {
    ...process.env,
    HTTPS_PROXY: dead,
    https_proxy: dead,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    npm_config_audit: 'true',
    npm_config_update_notifier: 'false',
    // pnpm otherwise retries a refused connection for over a minute.
    npm_config_fetch_retries: '0',
    CHAINGATE_OSV_API_URL: dead,
    ...extra,
  };
}

/** Findings without the fields that name a temporary folder, sorted, for goldens and comparisons. */
function summary(findings: Finding[]): [string, string, string, string | undefined, string | undefined, string][] {
  return findings
    .map((f) => [f.tools.join('+'), f.id, `${f.package?.name}@${f.package?.version ?? '?'}`, f.severity, f.location?.path, (f.package?.fixedVersions ?? []).join(',')] as [string, string, string, string, string | undefined, string])
    .sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1));
}

async function fakeTool(dir: string, name: string, script: string): Promise<string> {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return p;
}

describe('audit scanner', () => {
  let project: string;
  let npmServer: NpmServer;
  beforeAll(async () => {
    project = makeProject();
    npmServer = await startNpmAdvisoryServer();
  });
  afterAll(async () => {
    await npmServer.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  describe('with the package managers’ own audits and an offline OSV database', () => {
    let outcome: Awaited<ReturnType<ReturnType<typeof createAuditScanner>['run']>>;
    let ctx: Ctx;
    beforeAll(async () => {
      npmServer.bulkBodies.splice(0);
      ctx = context(project, await sealedEnv({ npm_config_registry: npmServer.registry }));
      outcome = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
    }, 180_000);

    it('sends npm’s real bulk request: every installed name with its versions', () => {
      expect(npmServer.bulkBodies).toEqual([{ lodash: ['4.17.20'], minimist: ['1.2.5'], qs: ['6.5.2'] }]);
    });

    it('reads the real npm audit report into findings located at the lockfile', () => {
      const npm = outcome.findings.filter((f) => f.tools.includes('npm-audit'));
      expect(summary(npm)).toEqual([
        // npm computes the fix from the packuments the registry serves.
        ['npm-audit', 'GHSA-35jh-r3h4-6jhm', 'lodash@?', 'high', 'package-lock.json', '4.17.21'],
        ['npm-audit', 'GHSA-xvch-5gv4-984h', 'minimist@?', 'critical', 'package-lock.json', '1.2.6'],
      ]);
      const lodash = npm.find((f) => f.id === 'GHSA-35jh-r3h4-6jhm');
      expect(lodash).toMatchObject({ cvssScore: 7.2, cwes: ['CWE-77', 'CWE-94'], title: 'Command Injection in lodash' });
      const raw = outcome.rawOutputs.find((p) => /npm_audit-package-lock\.json\.json$/.test(p)) as string;
      expect(JSON.parse(fs.readFileSync(raw, 'utf8')).auditReportVersion).toBe(2);
    });

    it('notes pip-audit’s unreachable service instead of failing, and the OSV matcher still covers requirements.txt', () => {
      expect(outcome.notes.join('\n')).toMatch(/pip-audit \(.*pip-audit\) for py\/requirements\.txt: endpoint unavailable \(.*(ProxyError|Connection refused|Max retries).*\); the OSV matcher covers these packages/);
      const osv = outcome.findings.filter((f) => f.tools.includes('osv') && f.location?.path === 'py/requirements.txt');
      expect(osv.map((f) => f.id).sort()).toEqual(['GHSA-8q59-q68h-6hv4', 'GHSA-h75v-3vvj-5mfj']);
    });

    it('matches every lockfile with the OSV matcher; merged with npm audit, shared advisories list both tools', () => {
      const merged = mergeFindings(outcome.findings);
      expect(summary(merged)).toEqual([
        ['npm-audit+osv', 'CVE-2021-23337', 'lodash@4.17.20', 'high', 'package-lock.json', '4.17.21'],
        ['npm-audit+osv', 'CVE-2021-44906', 'minimist@1.2.5', 'critical', 'package-lock.json', '1.2.6'],
        ['osv', 'GHSA-8q59-q68h-6hv4', 'pyyaml@5.3.1', 'critical', 'py/requirements.txt', '5.4'],
        ['osv', 'GHSA-h75v-3vvj-5mfj', 'jinja2@3.1.3', 'medium', 'py/requirements.txt', '3.1.4'],
        ['osv', 'GHSA-hrpp-h998-j3pp', 'qs@6.5.2', 'high', 'package-lock.json', '6.5.3'],
        ['osv', 'GO-2022-1059', 'golang.org/x/text@v0.3.7', 'unknown', 'svc/go.mod', '0.3.8'],
      ]);
      expectGolden('audit/npm-audit-and-osv-db.merged.json', summary(merged));
      expect(outcome.notes.join('\n')).toMatch(/OSV matcher: 7 packages, 6 findings, advisories from osv-db/);
      expect(ctx.lines.join('\n')).toMatch(/osv: 27 advisory files read/);
    });
  });

  describe('yarn 4 (berry)', () => {
    let berryDir: string;
    beforeAll(() => {
      berryDir = tmpDir('chaingate-audit-berry-');
      fs.mkdirSync(path.join(berryDir, 'berry'));
      fs.writeFileSync(path.join(berryDir, 'berry', 'package.json'), JSON.stringify({ name: 'berry-demo', version: '1.0.0', license: 'MIT', dependencies: { lodash: '4.17.20', minimist: '1.2.5' } }));
      fs.writeFileSync(path.join(berryDir, 'berry', 'yarn.lock'), BERRY_LOCK);
    });
    afterAll(() => fs.rmSync(berryDir, { recursive: true, force: true }));

    it('reads the real yarn 4 `yarn npm audit` report (bulk advisory API on a local registry)', async () => {
      npmServer.bulkBodies.splice(0);
      const env = await sealedEnv({ YARN_NPM_REGISTRY_SERVER: npmServer.registry.replace(/\/$/, ''), YARN_UNSAFE_HTTP_WHITELIST: '127.0.0.1', YARN_ENABLE_TELEMETRY: '0', YARN_ENABLE_GLOBAL_CACHE: '0' });
      const ctx = context(berryDir, env, { pnpm: '/nonexistent/pnpm', yarn: toolBin('yarn-berry') });
      const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
      expect(npmServer.bulkBodies).toEqual([{ lodash: ['4.17.20'], minimist: ['1.2.5'] }]);
      expect(summary(out.findings.filter((f) => f.tools.includes('yarn-audit')))).toEqual([
        ['yarn-audit', 'GHSA-35jh-r3h4-6jhm', 'lodash@4.17.20', 'high', 'berry/yarn.lock', ''],
        ['yarn-audit', 'GHSA-xvch-5gv4-984h', 'minimist@1.2.5', 'critical', 'berry/yarn.lock', ''],
      ]);
      expect(summary(mergeFindings(out.findings)).filter((r) => r[4] === 'berry/yarn.lock').map((r) => [r[0], r[5]])).toEqual([
        ['osv+yarn-audit', '4.17.21'],
        ['osv+yarn-audit', '1.2.6'],
      ]);
    }, 180_000);

  });

  describe('pip-audit asking the configured OSV API (a local one speaking /v1/query)', () => {
    it('reports what the real pip-audit finds, merged with the OSV matcher', async () => {
      const api = await startOsvServer({
        advisories: allAdvisories(),
        answers: { 'PyPI/jinja2@3.1.3': [['GHSA-h75v-3vvj-5mfj']], 'PyPI/pyyaml@5.3.1': [['GHSA-8q59-q68h-6hv4']] },
      });
      try {
        const dead = `http://127.0.0.1:${await closedPort()}/`;
        const ctx = context(project, await sealedEnv({ CHAINGATE_OSV_API_URL: api.url, npm_config_registry: dead }));
        const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
        const asked = api.requests.filter((r) => r.url === '/v1/query').map((r) => r.body);
        expect(asked).toEqual(
          expect.arrayContaining([
            { package: { name: 'jinja2', ecosystem: 'PyPI' }, version: '3.1.3' },
            { package: { name: 'pyyaml', ecosystem: 'PyPI' }, version: '5.3.1' },
            { package: { name: 'requests', ecosystem: 'PyPI' }, version: '2.31.0' },
          ]),
        );
        const pip = out.findings.filter((f) => f.tools.includes('pip-audit'));
        // pip-audit takes fixed versions only where the advisory spells the name in canonical
        // form (these say PyYAML and Jinja2); the merge takes them from the OSV matcher.
        expect(summary(pip)).toEqual([
          ['pip-audit', 'CVE-2020-14343', 'pyyaml@5.3.1', 'unknown', 'py/requirements.txt', ''],
          ['pip-audit', 'CVE-2024-34064', 'jinja2@3.1.3', 'unknown', 'py/requirements.txt', ''],
        ]);
        const merged = summary(mergeFindings(out.findings)).filter((r) => r[4] === 'py/requirements.txt');
        expect(merged).toEqual([
          ['osv+pip-audit', 'CVE-2020-14343', 'pyyaml@5.3.1', 'critical', 'py/requirements.txt', '5.4'],
          ['osv+pip-audit', 'CVE-2024-34064', 'jinja2@3.1.3', 'medium', 'py/requirements.txt', '3.1.4'],
        ]);
      } finally {
        await api.close();
      }
    }, 180_000);
  });

  describe('pnpm and yarn', () => {
    let dir: string;
    beforeAll(() => {
      dir = tmpDir('chaingate-audit-pm-');
      for (const sub of ['pnpm', 'yarn']) {
        fs.mkdirSync(path.join(dir, sub));
        fs.writeFileSync(path.join(dir, sub, 'package.json'), JSON.stringify({ name: `${sub}-demo`, version: '1.0.0', license: 'MIT', dependencies: { lodash: '4.17.20', minimist: '1.2.5' } }));
      }
      fs.writeFileSync(path.join(dir, 'pnpm', 'pnpm-lock.yaml'), PNPM_LOCK);
      fs.writeFileSync(path.join(dir, 'yarn', 'yarn.lock'), YARN_LOCK);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads the real pnpm audit report (npm 6 audit API on a local registry)', async () => {
      npmServer.auditBodies.splice(0);
      const ctx = context(dir, await sealedEnv({ npm_config_registry: npmServer.registry }), { pnpm: toolBin('pnpm'), yarn: '/nonexistent/yarn' });
      const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
      expect(installed(npmServer.auditBodies[0] as AuditNode).map((d) => `${d.path}@${d.version}`)).toEqual(['.@1.0.0', '.>lodash@4.17.20', '.>minimist@1.2.5']);
      expect(summary(out.findings.filter((f) => f.tools.includes('pnpm-audit')))).toEqual([
        ['pnpm-audit', 'GHSA-35jh-r3h4-6jhm', 'lodash@4.17.20', 'high', 'pnpm/pnpm-lock.yaml', '4.17.21'],
        ['pnpm-audit', 'GHSA-xvch-5gv4-984h', 'minimist@1.2.5', 'critical', 'pnpm/pnpm-lock.yaml', '1.2.6'],
      ]);
      expect(summary(mergeFindings(out.findings)).filter((r) => r[4] === 'pnpm/pnpm-lock.yaml').map((r) => r[0])).toEqual(['osv+pnpm-audit', 'osv+pnpm-audit']);
    }, 180_000);

    it('notes pnpm’s error object when the endpoint does not exist', async () => {
      const ctx = context(dir, await sealedEnv({ npm_config_registry: `http://127.0.0.1:${await closedPort()}/` }), { pnpm: toolBin('pnpm'), yarn: '/nonexistent/yarn' });
      const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
      expect(out.notes.join('\n')).toMatch(/pnpm audit \(.*pnpm\) for pnpm\/pnpm-lock\.yaml: endpoint unavailable/);
      expect(out.findings.filter((f) => f.location?.path === 'pnpm/pnpm-lock.yaml')).toHaveLength(2);
    }, 180_000);

    it('notes yarn 1’s unreachable audit service (it always asks its own registry) and keeps the OSV findings', async () => {
      const ctx = context(dir, await sealedEnv(), { pnpm: '/nonexistent/pnpm', yarn: toolBin('yarn') });
      const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
      expect(out.notes.join('\n')).toMatch(/yarn audit \(.*yarn\) for yarn\/yarn\.lock: endpoint unavailable \(.*(ECONNREFUSED|tunneling socket)/);
      expect(out.findings.filter((f) => f.location?.path === 'yarn/yarn.lock').map((f) => f.id).sort()).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-xvch-5gv4-984h']);
    }, 180_000);

    it('notes pip-audit refusing a requirements file with an unpinned line; the pinned lines are still matched', async () => {
      const api = await startOsvServer({ advisories: allAdvisories(), answers: {} });
      const dir = tmpDir('chaingate-unpinned-');
      try {
        fs.writeFileSync(path.join(dir, 'requirements.txt'), 'jinja2==3.1.3\nflask>=2.0\n');
        const out = await createAuditScanner({ osvDb: OSV_DB }).run(context(dir, await sealedEnv({ CHAINGATE_OSV_API_URL: api.url })));
        expect(out.notes.join('\n')).toMatch(/pip-audit .* for requirements\.txt: pip-audit refused the file \(.*requirement flask is not pinned to an exact version.*\); the OSV matcher checks its pinned lines/);
        expect(out.findings.map((f) => [f.tools.join('+'), f.id])).toEqual([['osv', 'GHSA-h75v-3vvj-5mfj']]);
      } finally {
        await api.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  });

  describe('when npm’s audit endpoint does not answer', () => {
    it('notes it and still reports the OSV findings', async () => {
      const dead = `http://127.0.0.1:${await closedPort()}/`;
      const ctx = context(project, await sealedEnv({ npm_config_registry: dead }));
      const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
      expect(out.notes.join('\n')).toMatch(/npm audit \(npm\) for package-lock\.json: endpoint unavailable \(request to .*advisories\/bulk failed.*ECONNREFUSED/);
      expect(out.findings.some((f) => f.tools.includes('npm-audit'))).toBe(false);
      expect(out.findings.filter((f) => f.location?.path === 'package-lock.json').map((f) => f.id).sort()).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-hrpp-h998-j3pp', 'GHSA-xvch-5gv4-984h']);
    }, 180_000);

    it.each([
      ['npm', 'npm error audit endpoint returned an error', true],
      ['npm 10+', '503 Service Unavailable - POST http://127.0.0.1:9/-/npm/v1/security/advisories/bulk', true],
      ['yarn 1', 'Error: https://127.0.0.1:9/-/npm/v1/security/audits: Request "https://127.0.0.1:9/-/npm/v1/security/audits" returned a 405', true],
      ['yarn 4', '➤ YN0035:   Response Code: 404 (Not Found)', true],
      ['pip-audit', "requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded", true],
      ['pip-audit HTTP', 'requests.exceptions.HTTPError: 502 Server Error: Bad Gateway for url: http://127.0.0.1:9/v1/query', true],
      ['TLS', 'request to https://127.0.0.1:9/ failed, reason: unable to get local issuer certificate (UNABLE_TO_GET_ISSUER_CERT_LOCALLY)', true],
      ['a crash', 'Traceback (most recent call last):\n  File "x.py", line 423, in main\nKeyError: 404', false],
      ['a bug', 'TypeError: Cannot read properties of undefined (reading "network")', false],
    ])('%s: %p is an unreachable endpoint: %s', (_tool, text, expected) => expect(isEndpointFailure(text)).toBe(expected));

    it('recognises npm 6’s ENOAUDIT object and npm 7+’s {message, error} object', () => {
      const npm6 = fs.readFileSync(fixture('npm-audit', 'npm-audit-error-ENOAUDIT.json'), 'utf8');
      expect(auditErrorObject(npm6)).toMatch(/ENOAUDIT/);
      expect(auditErrorObject('{"message":"503 Service Unavailable - POST http://127.0.0.1:9/-/npm/v1/security/advisories/bulk","error":{"summary":"","detail":""}}')).toMatch(/^503 Service Unavailable/);
      expect(auditErrorObject(fs.readFileSync(fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json'), 'utf8'))).toBeUndefined();
      expect(auditErrorObject('{"auditReportVersion": 2, "vulner')).toBeUndefined();
    });
  });

  describe('fault injection', () => {
    let bin: string;
    beforeAll(() => {
      bin = tmpDir('chaingate-fake-');
    });
    afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

    it('npm printing truncated JSON fails the scanner, naming npm', async () => {
      const npm = await fakeTool(bin, 'npm', `printf '{"auditReportVersion": 2, "vulnerabilities": {"lodash": {'; exit 1`);
      const ctx = context(project, await sealedEnv(), { npm, 'pip-audit': '/nonexistent/pip-audit' });
      const err = await createAuditScanner({ osvDb: OSV_DB }).run(ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ToolError);
      expect((err as ToolError).tool).toBe('npm');
      expect((err as Error).message).toMatch(new RegExp(`npm audit \\(${npm}\\) for package-lock\\.json failed \\(exit 1\\): .*not valid JSON`));
    });

    it('npm crashing fails the scanner', async () => {
      const npm = await fakeTool(bin, 'npm-crash', `echo 'fatal: boom' >&2; kill -SEGV $$`);
      const ctx = context(project, await sealedEnv(), { npm, 'pip-audit': '/nonexistent/pip-audit' });
      await expect(createAuditScanner({ osvDb: OSV_DB }).run(ctx)).rejects.toThrow(/killed by SIGSEGV: fatal: boom/);
    });

    it('a missing package manager is a note; the OSV matcher covers its packages', async () => {
      const ctx = context(project, await sealedEnv(), { npm: '/nonexistent/npm', 'pip-audit': '/nonexistent/pip-audit' });
      const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
      expect(out.notes.join('\n')).toMatch(/npm audit \(\/nonexistent\/npm\) for package-lock\.json: not run, \/nonexistent\/npm: not found/);
      expect(out.findings).toHaveLength(6);
    });
  });

  describe('advisory sources', () => {
    it('fails, never clean, with neither an osv-db nor the network', async () => {
      const ctx = context(project, await sealedEnv());
      await expect(createAuditScanner({ offline: true }).run(ctx)).rejects.toThrow(/no advisory source: set audit\.osv-db or allow network/);
      // Offline mode does not run the package managers' audits (they need their registries) either.
      const out = await createAuditScanner({ offline: true, osvDb: OSV_DB }).run(ctx);
      expect(out.notes).toContain('package manager audits not run: offline mode (they query their registries)');
    });

    it('fails when the OSV API cannot be reached and there is no osv-db', async () => {
      const ctx = context(project, await sealedEnv());
      const err = await createAuditScanner({ packageManagers: false }).run(ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChaingateError);
      expect((err as Error).message).toMatch(/^no advisory source: set audit\.osv-db or allow network \(OSV API http:\/\/127\.0\.0\.1:\d+\/v1\/querybatch: ECONNREFUSED\)/);
    });

    it('keeps credentials in registry and API URLs out of notes and errors', async () => {
      const port = await closedPort();
      const ctx = context(project, await sealedEnv({ npm_config_registry: `http://ci:s3cret-token@127.0.0.1:${port}/`, CHAINGATE_OSV_API_URL: `http://ci:s3cret-token@127.0.0.1:${port}` }));
      const err = (await createAuditScanner({}).run(ctx).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/^no advisory source/);
      expect(err.message).not.toContain('s3cret');
      const out = await createAuditScanner({ osvDb: OSV_DB }).run(ctx);
      expect(out.notes.join('\n')).toMatch(/npm audit .* endpoint unavailable/);
      expect(JSON.stringify(out)).not.toContain('s3cret');
      expect(ctx.lines.join('\n')).not.toContain('s3cret');
    }, 180_000);

    it('asks the OSV API (CHAINGATE_OSV_API_URL) once per package version and reports what it answers', async () => {
      const api = await startOsvServer({
        advisories: allAdvisories(),
        answers: {
          'npm/lodash@4.17.20': [['GHSA-35jh-r3h4-6jhm']],
          'npm/qs@6.5.2': [['GHSA-hrpp-h998-j3pp']],
          // The requirements parser normalizes PyPI names (PEP 503), as the API does.
          'PyPI/pyyaml@5.3.1': [['GHSA-8q59-q68h-6hv4']],
          'Go/golang.org/x/text@0.3.7': [[], ['GO-2022-1059']],
        },
      });
      try {
        const ctx = context(project, await sealedEnv({ CHAINGATE_OSV_API_URL: api.url }));
        const out = await createAuditScanner({ packageManagers: false }).run(ctx);
        expect(summary(out.findings)).toEqual([
          ['osv', 'GHSA-35jh-r3h4-6jhm', 'lodash@4.17.20', 'high', 'package-lock.json', '4.17.21'],
          ['osv', 'GHSA-8q59-q68h-6hv4', 'pyyaml@5.3.1', 'critical', 'py/requirements.txt', '5.4'],
          ['osv', 'GHSA-hrpp-h998-j3pp', 'qs@6.5.2', 'high', 'package-lock.json', '6.5.3'],
          ['osv', 'GO-2022-1059', 'golang.org/x/text@v0.3.7', 'unknown', 'svc/go.mod', '0.3.8'],
        ]);
        const queries = api.requests.filter((r) => r.url === '/v1/querybatch').flatMap((r) => (r.body as { queries: unknown[] }).queries);
        expect(queries).toHaveLength(8); // 7 packages + the second page for x/text
        expect(out.notes.join('\n')).toMatch(new RegExp(`advisories from OSV API ${api.url.replace(/\./g, '\\.')}`));
      } finally {
        await api.close();
      }
    });
  });

  describe('a project without lockfiles', () => {
    it('has nothing to audit when it declares no dependencies', async () => {
      const dir = tmpDir('chaingate-nodeps-');
      try {
        fs.writeFileSync(path.join(dir, 'main.tf'), 'resource "null_resource" "x" {}\n');
        const out = await createAuditScanner({ offline: true }).run(context(dir, await sealedEnv()));
        expect(out.findings).toEqual([]);
        expect(out.notes[0]).toMatch(/^no lockfile and no manifest .* no dependencies to audit$/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('fails when a manifest has no lockfile, saying how to make one', async () => {
      const dir = tmpDir('chaingate-nolock-');
      try {
        fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(PACKAGE_JSON));
        await expect(createAuditScanner({ osvDb: OSV_DB }).run(context(dir, await sealedEnv()))).rejects.toThrow(/no lockfile found .*npm install --package-lock-only/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('with an SBOM instead of lockfiles', () => {
    it('audits the CycloneDX components and locates findings at the SBOM', async () => {
      const dir = tmpDir('chaingate-sbom-');
      const sbom = {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        version: 1,
        components: [
          { type: 'library', name: 'express', version: '4.19.1', purl: 'pkg:npm/express@4.19.1', 'bom-ref': 'a' },
          { type: 'library', name: 'request', version: '2.88.2', purl: 'pkg:npm/%40cypress/request@2.88.11', 'bom-ref': 'b' },
          { type: 'library', name: 'chalk', version: '5.6.1', purl: 'pkg:npm/chalk@5.6.1', 'bom-ref': 'c' },
          { type: 'library', name: 'django', version: '4.0.5', purl: 'pkg:pypi/django@4.0.5', 'bom-ref': 'd' },
          { type: 'library', name: 'net', version: 'v0.16.0', purl: 'pkg:golang/golang.org/x/net@v0.16.0', 'bom-ref': 'e' },
          { type: 'operating-system', name: 'debian', version: '12' },
        ],
      };
      fs.writeFileSync(path.join(dir, 'bom.cdx.json'), JSON.stringify(sbom));
      try {
        const out = await createAuditScanner({ sbom: 'bom.cdx.json', osvDb: OSV_DB }).run(context(dir, await sealedEnv()));
        expect(summary(out.findings)).toEqual([
          ['osv', 'GHSA-p64x-8rxx-wf6q', 'django@4.0.5', 'critical', 'bom.cdx.json', '4.0.6'],
          ['osv', 'GHSA-p8p7-x288-28g6', '@cypress/request@2.88.11', 'medium', 'bom.cdx.json', ''],
          ['osv', 'GHSA-rv95-896h-c2vc', 'express@4.19.1', 'medium', 'bom.cdx.json', '4.19.2'],
          ['osv', 'GO-2023-2102', 'golang.org/x/net@v0.16.0', 'unknown', 'bom.cdx.json', '0.17.0'],
          ['osv', 'MAL-2025-46969', 'chalk@5.6.1', 'critical', 'bom.cdx.json', ''],
        ]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names the SBOM when it cannot be read', async () => {
      const dir = tmpDir('chaingate-sbom-');
      try {
        await expect(createAuditScanner({ sbom: 'missing.cdx.json', osvDb: OSV_DB }).run(context(dir, await sealedEnv()))).rejects.toThrow(/missing\.cdx\.json: cannot read the SBOM \(ENOENT\)/);
        fs.writeFileSync(path.join(dir, 'x.json'), '{"bomFormat": "SPDX"}');
        await expect(createAuditScanner({ sbom: 'x.json', osvDb: OSV_DB }).run(context(dir, await sealedEnv()))).rejects.toThrow(/x\.json: not a CycloneDX JSON document/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
