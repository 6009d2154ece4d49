import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../src/core/finding';
import { PolicySchema } from '../../src/config/schema';
import { ToolError } from '../../src/errors';
import { runTool } from '../../src/process/run-tool';
import type { ScanContext } from '../../src/scanners/types';
import {
  createTrivyFsScanner,
  createTrivyImageScanner,
  dbIsFresh,
  trivyFsScannerFromPolicy,
  defaultTrivyCacheDir,
  skipDirPatterns,
  trivyErrorLine,
  trivyFsArgv,
  trivyImageArgv,
  type TrivyFsOptions,
  type TrivyImageOptions,
} from '../../src/scanners/trivy';
import { expectGolden } from '../helpers/golden';
import { fixture, REPO, tmpDir, toolBin } from '../helpers/paths';
import { startRegistry, type TestRegistry } from '../helpers/registry';
import { writeFixtureDb } from '../helpers/trivy-db';

const EXAMPLES = path.join(REPO, 'examples');
const SECRET_VALUES = ['AKIACHAINGATEFAKE000', 'ChaingateFakeSecretKeyNotReal/0000000000'];

function context(dir: string, trivy: string, over: Partial<ScanContext> = {}): ScanContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    dir,
    workDir: tmpDir('chaingate-work-'),
    toolPath: (t) => {
      if (t !== 'trivy') throw new Error(`unexpected tool ${t}`);
      return trivy;
    },
    timeoutMs: 300_000,
    env: process.env,
    log: (l) => lines.push(l),
    lines,
    ...over,
  };
}

function fsOptions(over: Partial<TrivyFsOptions> = {}): TrivyFsOptions {
  return {
    scanners: ['vuln', 'secret', 'misconfig'],
    cacheDir: '/cache/trivy',
    dbRepositories: [],
    offline: false,
    skipDirs: ['node_modules', '.git'],
    ...over,
  };
}

function imageOptions(over: Partial<TrivyImageOptions> = {}): TrivyImageOptions {
  return {
    scanners: ['vuln', 'secret'],
    cacheDir: '/cache/trivy',
    dbRepositories: [],
    offline: false,
    image: '127.0.0.1:5000/app@sha256:' + 'a'.repeat(64),
    insecureRegistry: false,
    ...over,
  };
}

const ids = (fs: Finding[], kind: Finding['kind']) => [...new Set(fs.filter((f) => f.kind === kind).map((f) => f.id))].sort();

describe('argv builders', () => {
  const ctx = context('/src/project', '/opt/bin/trivy', { workDir: '/work', timeoutMs: 90_000 });

  it('scans the project dir as JSON into the work dir, with the cache dir and skip dirs', () => {
    const [inv, ...rest] = trivyFsArgv(ctx, fsOptions(), { fresh: true });
    expect(rest).toEqual([]);
    expect(inv.command).toBe('/opt/bin/trivy');
    expect(inv.outputFile).toBe('/work/trivy-fs.json');
    expect(inv.args.slice(0, 1)).toEqual(['fs']);
    expect(inv.args[inv.args.length - 1]).toBe('/src/project');
    const a = inv.args.join(' ');
    expect(a).toContain('--format json --output /work/trivy-fs.json --scanners vuln,secret,misconfig --cache-dir /cache/trivy');
    expect(a).toContain('--timeout 90s --exit-code 0');
    expect(a).toContain('--skip-dirs node_modules --skip-dirs **/node_modules --skip-dirs .git --skip-dirs **/.git');
    expect(a).toContain('--skip-version-check --disable-telemetry');
    expect(inv.args).toContain('--skip-db-update');
    expect(inv.args).not.toContain('--offline-scan');
  });

  it('lets Trivy download the DB when the cache is stale, once per configured mirror in order', () => {
    expect(trivyFsArgv(ctx, fsOptions(), { fresh: false })).toHaveLength(1);
    expect(trivyFsArgv(ctx, fsOptions(), { fresh: false })[0].args).not.toContain('--skip-db-update');
    const invs = trivyFsArgv(ctx, fsOptions({ dbRepositories: ['mirror-a/trivy-db:2', 'mirror-b/trivy-db:2'] }), { fresh: false });
    expect(invs.map((i) => i.args[i.args.indexOf('--db-repository') + 1])).toEqual(['mirror-a/trivy-db:2', 'mirror-b/trivy-db:2']);
    expect(invs.every((i) => !i.args.includes('--skip-db-update'))).toBe(true);
  });

  it('offline: skips every download and uses embedded misconfig checks', () => {
    const [inv] = trivyFsArgv(ctx, fsOptions({ offline: true, dbRepositories: ['m/db:2'] }), { fresh: false });
    for (const f of ['--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--offline-scan']) expect(inv.args).toContain(f);
    expect(inv.args).not.toContain('--db-repository');
  });

  it('without the vuln scanner neither downloads nor skips the DB', () => {
    const invs = trivyFsArgv(ctx, fsOptions({ scanners: ['secret'], dbRepositories: ['m/db:2'] }), { fresh: false });
    expect(invs).toHaveLength(1);
    expect(invs[0].args).not.toContain('--skip-db-update');
    expect(invs[0].args).not.toContain('--db-repository');
  });

  it('image by reference goes straight to the registry; --insecure only when asked', () => {
    const [plain] = trivyImageArgv(ctx, imageOptions(), { fresh: true });
    expect(plain.args[0]).toBe('image');
    expect(plain.args.slice(-3)).toEqual(['--image-src', 'remote', imageOptions().image]);
    expect(plain.args).not.toContain('--insecure');
    expect(plain.outputFile).toBe('/work/trivy-image.json');
    const [insecure] = trivyImageArgv(ctx, imageOptions({ insecureRegistry: true }), { fresh: true });
    expect(insecure.args).toContain('--insecure');
  });

  it('image tarball or OCI layout is read with --input', () => {
    const [inv] = trivyImageArgv(ctx, imageOptions({ image: '/tmp/app.tar', imageIsPath: true }), { fresh: true });
    expect(inv.args.slice(-2)).toEqual(['--input', '/tmp/app.tar']);
    expect(inv.args).not.toContain('--image-src');
  });

  it('skip dirs: bare names at any depth, paths and globs as given', () => {
    expect(skipDirPatterns(['vendor/', 'a/b', '**/dist', ''])).toEqual(['vendor', '**/vendor', 'a/b', '**/dist']);
  });

  it('default cache dir is ~/.cache/chaingate/trivy (XDG_CACHE_HOME honoured)', () => {
    expect(defaultTrivyCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/chaingate/trivy');
    expect(defaultTrivyCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/chaingate/trivy');
  });
});

describe('from the policy', () => {
  it('takes scanners, cache dir, mirrors and skip dirs from .chaingate.yml', async () => {
    const policy = PolicySchema.parse({ trivy: { 'db-repository': ['m/db:2'], 'cache-dir': '/c' }, 'skip-dirs': ['dist'] });
    const dir = tmpDir('chaingate-policy-');
    const bin = path.join(dir, 'trivy');
    fs.writeFileSync(bin, '#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\nexit 3\n', { mode: 0o755 });
    await expect(trivyFsScannerFromPolicy(policy, { HOME: '/h' }).run(context(dir, bin))).rejects.toThrow(/code 3/);
    const args = fs.readFileSync(path.join(dir, 'args'), 'utf8');
    expect(args).toContain('--scanners vuln,secret,misconfig --cache-dir /c');
    expect(args).toContain('--db-repository m/db:2');
    expect(args).toContain('--skip-dirs dist --skip-dirs **/dist');
  });
});

describe('DB freshness', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const meta = (o: object) => JSON.stringify({ Version: 2, NextUpdate: '2026-01-02T00:00:00Z', ...o });
  it('is fresh with schema 2, the DB file, and NextUpdate ahead', () => expect(dbIsFresh(meta({}), true, now)).toBe(true));
  it('is stale past NextUpdate', () => expect(dbIsFresh(meta({ NextUpdate: '2025-12-31T00:00:00Z' }), true, now)).toBe(false));
  it('is stale with another schema', () => expect(dbIsFresh(meta({ Version: 1 }), true, now)).toBe(false));
  it('is stale without trivy.db or metadata', () => {
    expect(dbIsFresh(meta({}), false, now)).toBe(false);
    expect(dbIsFresh(undefined, true, now)).toBe(false);
    expect(dbIsFresh('{"Version":2,', true, now)).toBe(false);
  });
});

describe('trivyErrorLine', () => {
  it('prefers the FATAL line, without timestamp and tabs', () => {
    const stderr = [
      '2026-01-01T10:00:00.123Z\tINFO\t[vuln] Vulnerability scanning is enabled',
      '2026-01-01T10:00:00.200Z\tERROR\t[checks-client] Falling back to embedded checks',
      '2026-01-01T10:00:01.000Z\tFATAL\tFatal error\trun error: init error: DB error: failed to download vulnerability DB',
    ].join('\n');
    expect(trivyErrorLine(stderr)).toBe('FATAL Fatal error run error: init error: DB error: failed to download vulnerability DB');
  });
  it('joins the causes Trivy lists under the FATAL line', () => {
    const stderr = [
      '2026-01-01T10:00:00Z\tINFO\t[vuln] Vulnerability scanning is enabled',
      '2026-01-01T10:00:01Z\tFATAL\tFatal error\trun error: unable to find the specified image "r/app:1" in ["remote"]: 1 error occurred:',
      '\t* remote error: GET http://127.0.0.1:5000/v2/r/app/manifests/1: MANIFEST_UNKNOWN',
      '',
      '',
    ].join('\n');
    expect(trivyErrorLine(stderr)).toBe(
      'FATAL Fatal error run error: unable to find the specified image "r/app:1" in ["remote"]: 1 error occurred: * remote error: GET http://127.0.0.1:5000/v2/r/app/manifests/1: MANIFEST_UNKNOWN',
    );
  });
  it('falls back to the first error-looking line', () => expect(trivyErrorLine('panic: runtime error\ngoroutine 1')).toBe('panic: runtime error'));
  it('says nothing for empty stderr', () => expect(trivyErrorLine('')).toBeUndefined());
});

describe('real trivy fs on the examples (offline, fixture DB)', () => {
  let trivy: string;
  let cacheDir: string;
  beforeAll(async () => {
    trivy = toolBin('trivy');
    cacheDir = await writeFixtureDb();
  }, 300_000);

  async function scan(example: string) {
    const ctx = context(path.join(EXAMPLES, example), trivy);
    const outcome = await createTrivyFsScanner(fsOptions({ cacheDir, offline: true })).run(ctx);
    return { outcome, ctx, raw: fs.readFileSync(outcome.rawOutputs[0], 'utf8') };
  }

  describe('examples/vulnerable', () => {
    let findings: Finding[];
    let raw: string;
    beforeAll(async () => {
      ({ outcome: { findings }, raw } = await scan('vulnerable'));
    }, 300_000);

    it('finds the known vulnerable npm and pip packages from the fixture DB', () => {
      const vulns = findings.filter((f) => f.kind === 'vulnerability');
      const by = (id: string, name: string) => vulns.find((f) => (f.id === id || f.aliases.includes(id)) && f.package?.name.toLowerCase() === name);
      expect(by('CVE-2021-23337', 'lodash')).toMatchObject({ severity: 'high', package: { version: '4.17.20', fixedVersions: ['4.17.21'] } });
      expect(by('CVE-2021-23337', 'lodash')?.aliases).toContain('GHSA-35jh-r3h4-6jhm');
      expect(by('CVE-2021-44906', 'minimist')).toMatchObject({ severity: 'critical', package: { version: '1.2.5' } });
      expect(by('CVE-2022-24999', 'qs')).toMatchObject({ severity: 'high', package: { version: '6.5.2' } });
      expect(by('CVE-2023-45857', 'axios')).toMatchObject({ severity: 'medium' });
      expect(by('CVE-2024-28849', 'follow-redirects')).toMatchObject({ package: { version: '1.15.5' } });
      expect(by('CVE-2024-34064', 'jinja2')).toBeDefined();
      expect(by('CVE-2023-32681', 'requests')).toBeDefined();
      expect(by('CVE-2023-43804', 'urllib3')).toBeDefined();
      expect(by('CVE-2020-14343', 'pyyaml')).toMatchObject({ severity: 'critical' });
      // lodash 4.17.20 is the fix for CVE-2020-8203: a range match, not a name match.
      expect(by('CVE-2020-8203', 'lodash')).toBeUndefined();
    });

    it('finds the planted AWS credentials, without the secret values anywhere in the findings', () => {
      const secrets = findings.filter((f) => f.kind === 'secret');
      expect(secrets.map((f) => f.id).sort()).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
      expect(secrets.every((f) => f.location?.path === 'config/credentials.ini')).toBe(true);
      // Trivy masks the match in its own report too, which is kept for the user.
      for (const v of SECRET_VALUES) {
        expect(JSON.stringify(findings)).not.toContain(v);
        expect(raw).not.toContain(v);
      }
    });

    it('finds the Dockerfile and Terraform misconfigurations', () => {
      const mis = findings.filter((f) => f.kind === 'misconfiguration');
      const at = (p: string) => mis.filter((f) => f.location?.path === p).map((f) => f.id);
      expect(at('Dockerfile')).toEqual(expect.arrayContaining(['DS-0001', 'DS-0002']));
      expect(at('infra/main.tf')).toEqual(expect.arrayContaining(['AWS-0107']));
      expect(mis.find((f) => f.id === 'AWS-0107')?.severity).toBe('high');
      expect(mis.find((f) => f.id === 'AWS-0104')?.severity).toBe('critical');
    });

    it('matches the committed golden of the real report', () => {
      expectGolden('real/trivy-fs-vulnerable.json', normalizeReport(raw));
    });
  });

  it('examples/clean: no vulnerability, no secret, no misconfiguration', async () => {
    const { outcome } = await scan('clean');
    expect(ids(outcome.findings, 'vulnerability')).toEqual([]);
    expect(ids(outcome.findings, 'secret')).toEqual([]);
    expect(ids(outcome.findings, 'misconfiguration')).toEqual([]);
  }, 300_000);

  it('uses the cached DB with --skip-db-update when it is fresh (not offline, vuln + secret)', async () => {
    const ctx = context(path.join(EXAMPLES, 'vulnerable'), trivy);
    const outcome = await createTrivyFsScanner(fsOptions({ cacheDir, scanners: ['vuln', 'secret'] })).run(ctx);
    expect(ctx.lines.join('\n')).toContain('--skip-db-update');
    expect(ctx.lines.join('\n')).not.toContain('--offline-scan');
    expect(ids(outcome.findings, 'vulnerability')).toContain('CVE-2021-23337');
    expect(ids(outcome.findings, 'misconfiguration')).toEqual([]);
  }, 300_000);

  it('skip dirs apply at any depth (Trivy alone would skip only the top-level folder)', async () => {
    const project = tmpDir('chaingate-skip-');
    const creds = fs.readFileSync(path.join(EXAMPLES, 'vulnerable', 'config', 'credentials.ini'));
    for (const rel of ['deploy/credentials.ini', 'generated/credentials.ini', 'web/generated/pkg/credentials.ini']) {
      fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
      fs.writeFileSync(path.join(project, rel), creds);
    }
    const paths = async (skipDirs: string[]) => {
      const outcome = await createTrivyFsScanner(fsOptions({ cacheDir, offline: true, scanners: ['secret'], skipDirs })).run(context(project, trivy));
      return [...new Set(outcome.findings.map((f) => f.location?.path))].sort();
    };
    expect(await paths([])).toEqual(['deploy/credentials.ini', 'generated/credentials.ini', 'web/generated/pkg/credentials.ini']);
    expect(await paths(['generated'])).toEqual(['deploy/credentials.ini']);
  }, 300_000);

  it('offline without a cached DB fails closed with Trivy\'s own reason', async () => {
    const ctx = context(path.join(EXAMPLES, 'clean'), trivy);
    const run = createTrivyFsScanner(fsOptions({ cacheDir: tmpDir('chaingate-empty-cache-'), offline: true })).run(ctx);
    await expect(run).rejects.toThrow(ToolError);
    await expect(run).rejects.toThrow(/^trivy exited with code 1: .*--skip-db-update cannot be specified on the first run/);
  }, 300_000);
});

/** Drops what changes from run to run (time, absolute paths) so the golden is stable. */
function normalizeReport(raw: string): unknown {
  const report = JSON.parse(raw) as Record<string, unknown>;
  delete report.CreatedAt;
  delete report.ReportID;
  report.ArtifactName = path.relative(REPO, String(report.ArtifactName));
  return report;
}

describe('real trivy image from a registry the test starts', () => {
  let registry: TestRegistry;
  let cacheDir: string;
  let trivy: string;
  let digestRef: string;
  let layoutDir: string;
  let tarball: string;

  beforeAll(async () => {
    trivy = toolBin('trivy');
    const crane = toolBin('crane');
    cacheDir = await writeFixtureDb();
    registry = await startRegistry();
    const layer = await buildRootfsLayer();
    const tag = `${registry.host}/chaingate/vulnerable-app:1`;
    const run = async (args: string[]) => {
      const r = await runTool(crane, args, { timeoutMs: 60_000 });
      if (r.exitCode !== 0) throw new Error(`crane ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    // No base image: the layer is the whole root file system, so nothing is pulled from outside.
    await run(['append', '--insecure', '-f', layer, '-t', tag, '--platform', 'linux/amd64']);
    const digest = await run(['digest', '--insecure', tag]);
    digestRef = `${registry.host}/chaingate/vulnerable-app@${digest}`;
    layoutDir = path.join(tmpDir('chaingate-oci-'), 'layout');
    await run(['pull', '--insecure', '--format', 'oci', digestRef, layoutDir]);
    tarball = path.join(path.dirname(layoutDir), 'image.tar');
    await run(['pull', '--insecure', digestRef, tarball]);
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
  });

  const expectImageFindings = (findings: Finding[]) => {
    const vulns = findings.filter((f) => f.kind === 'vulnerability');
    const pkgs = (id: string) => vulns.filter((f) => f.id === id).map((f) => `${f.package?.name}@${f.package?.version}`).sort();
    expect(pkgs('CVE-2019-1549')).toEqual(['libcrypto1.1@1.1.1c-r0', 'libssl1.1@1.1.1c-r0']);
    expect(pkgs('CVE-2019-1551')).toEqual(['libcrypto1.1@1.1.1c-r0', 'libssl1.1@1.1.1c-r0']);
    expect(pkgs('CVE-2021-44906')).toEqual(['minimist@1.2.5']);
    expect(pkgs('CVE-2020-14343')).toEqual(['PyYAML@5.3.1']);
    expect(vulns.find((f) => f.id === 'CVE-2019-1551')?.package?.fixedVersions).toEqual(['1.1.1d-r2']);
  };

  it('scans the pushed image by digest over plain HTTP with --insecure', async () => {
    const ctx = context(REPO, trivy);
    const scanner = createTrivyImageScanner(imageOptions({ image: digestRef, insecureRegistry: true, cacheDir, offline: true }));
    const outcome = await scanner.run(ctx);
    expect(ctx.lines[0]).toContain('--insecure');
    expectImageFindings(outcome.findings);
  }, 300_000);

  it.each([
    ['an OCI layout', () => layoutDir],
    ['an image tarball', () => tarball],
  ])('scans the same image from %s with --input', async (_what, where) => {
    const ctx = context(REPO, trivy);
    const outcome = await createTrivyImageScanner(imageOptions({ image: where(), cacheDir, offline: true })).run(ctx);
    expect(ctx.lines[0]).toContain(`--input ${where()}`);
    expectImageFindings(outcome.findings);
  }, 300_000);

  it('an image that is not in the registry fails closed naming trivy', async () => {
    const ctx = context(REPO, trivy);
    const missing = `${registry.host}/chaingate/absent@sha256:${'0'.repeat(64)}`;
    const run = createTrivyImageScanner(imageOptions({ image: missing, insecureRegistry: true, cacheDir, offline: true })).run(ctx);
    await expect(run).rejects.toThrow(/^trivy exited with code 1: FATAL .*MANIFEST_UNKNOWN/);
  }, 300_000);
});

/**
 * One uncompressed tar layer: an Alpine 3.10 apk database with the OpenSSL 1.1.1c libraries,
 * an installed npm package and a Python dist-info, all at versions with advisories in the DB.
 */
async function buildRootfsLayer(): Promise<string> {
  const root = path.join(tmpDir('chaingate-rootfs-'), 'rootfs');
  const put = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  put('etc/alpine-release', '3.10.2\n');
  put('etc/os-release', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.2\nPRETTY_NAME="Alpine Linux v3.10"\n');
  const apk = (name: string) =>
    [`P:${name}`, 'V:1.1.1c-r0', 'A:x86_64', 'L:OpenSSL', 'o:openssl', 'm:Timo Teras <timo.teras@iki.fi>', `T:${name} from OpenSSL`, ''].join('\n');
  put('lib/apk/db/installed', `${apk('libcrypto1.1')}\n${apk('libssl1.1')}\n`);
  put('app/node_modules/minimist/package.json', JSON.stringify({ name: 'minimist', version: '1.2.5', license: 'MIT' }, null, 2));
  put('usr/lib/python3.7/site-packages/PyYAML-5.3.1.dist-info/METADATA', 'Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\nLicense: MIT\n');
  const tar = path.join(path.dirname(root), 'layer.tar');
  const r = await runTool('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', tar, '.']);
  if (r.exitCode !== 0) throw new Error(`tar: ${r.stderr}`);
  return tar;
}

describe('fault injection: fake trivy binaries', () => {
  const project = path.join(EXAMPLES, 'clean');

  /** A fake trivy: a shell script that finds its --output argument and does `body`. */
  function fakeTrivy(body: string): string {
    const dir = tmpDir('chaingate-fake-trivy-');
    const bin = path.join(dir, 'trivy');
    fs.writeFileSync(
      bin,
      [
        '#!/bin/sh',
        'out=""; repo=""',
        'while [ $# -gt 0 ]; do',
        '  case "$1" in --output) out="$2"; shift ;; --db-repository) repo="$2"; shift ;; esac',
        '  shift',
        'done',
        `echo "$repo" >> "${dir}/calls"`,
        body,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    return bin;
  }
  const calls = (bin: string) => fs.readFileSync(path.join(path.dirname(bin), 'calls'), 'utf8').trim().split('\n');
  const fatal = (msg: string) => `printf '2026-01-01T00:00:00Z\\tFATAL\\tFatal error\\t${msg}\\n' >&2; exit 1`;
  const realReport = fixture('trivy', 'fs-npm-package-lock.json');

  async function runFake(bin: string, over: Partial<TrivyFsOptions> = {}, ctxOver: Partial<ScanContext> = {}) {
    const ctx = context(project, bin, ctxOver);
    return { ctx, outcome: createTrivyFsScanner(fsOptions({ cacheDir: tmpDir('chaingate-cache-'), ...over })).run(ctx) };
  }

  it('crash: ToolError with the exit code and Trivy\'s FATAL line', async () => {
    const { outcome } = await runFake(fakeTrivy(fatal('run error: fs scan error: scan error: boom')));
    await expect(outcome).rejects.toThrow(ToolError);
    await expect(outcome).rejects.toThrow('trivy exited with code 1: FATAL Fatal error run error: fs scan error: scan error: boom');
  });

  it('killed by a signal: ToolError naming the signal', async () => {
    const { outcome } = await runFake(fakeTrivy('kill -SEGV $$'));
    await expect(outcome).rejects.toThrow(/^trivy was killed by SIGSEGV/);
  });

  it('hang: stopped at the timeout, ToolError (never clean)', async () => {
    const { outcome } = await runFake(fakeTrivy('sleep 30'), {}, { timeoutMs: 500 });
    await expect(outcome).rejects.toThrow(/^trivy did not finish within \d+ s and was stopped/);
  }, 10_000);

  it('truncated JSON with exit 0: ToolError naming the report file', async () => {
    const bin = fakeTrivy(`head -c 700 "${realReport}" > "$out"; exit 0`);
    const { outcome } = await runFake(bin);
    await expect(outcome).rejects.toThrow(/^trivy exited 0 but its report .*trivy-fs\.json is unusable: trivy report: not valid JSON/);
  });

  it('empty output with exit 0: ToolError', async () => {
    const { outcome } = await runFake(fakeTrivy(': > "$out"; exit 0'));
    await expect(outcome).rejects.toThrow(/unusable: trivy report: the report is empty/);
  });

  it('no output file at all with exit 0: ToolError', async () => {
    const { outcome } = await runFake(fakeTrivy('exit 0'));
    await expect(outcome).rejects.toThrow(/unusable: trivy report: the report is empty/);
  });

  it('non-JSON output: ToolError', async () => {
    const { outcome } = await runFake(fakeTrivy('echo "Total: 3 (HIGH: 3)" > "$out"; exit 0'));
    await expect(outcome).rejects.toThrow(/unusable: trivy report: not valid JSON/);
  });

  it('missing binary: ToolError saying how to install it', async () => {
    const { outcome } = await runFake('/nonexistent/bin/trivy');
    await expect(outcome).rejects.toThrow(ToolError);
    await expect(outcome).rejects.toThrow(/^trivy could not be started \(\/nonexistent\/bin\/trivy: not found\); install it with scripts\/install-tools\.sh/);
  });

  describe('DB mirror fallback', () => {
    const mirrors = ['mirror-a.invalid/trivy-db:2', 'mirror-b.invalid/trivy-db:2', 'mirror-c.invalid/trivy-db:2'];
    const failUnless = (good: string) =>
      `if [ "$repo" != "${good}" ]; then ${fatal('run error: init error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download artifact from $repo')}; fi\ncat "${realReport}" > "$out"`;

    it('moves on to the next mirror when the download fails, and notes it', async () => {
      const bin = fakeTrivy(failUnless(mirrors[1]));
      const { outcome } = await runFake(bin, { dbRepositories: mirrors });
      const result = await outcome;
      expect(calls(bin)).toEqual(mirrors.slice(0, 2));
      expect(result.findings.length).toBeGreaterThan(0);
      expect(result.notes[0]).toMatch(/^trivy DB download failed from mirror-a\.invalid\/trivy-db:2: FATAL .*failed to download vulnerability DB/);
      expect(result.notes[1]).toBe('trivy DB downloaded from mirror-b.invalid/trivy-db:2');
    });

    it('fails closed listing every mirror when all downloads fail', async () => {
      const bin = fakeTrivy(failUnless('none'));
      const { outcome } = await runFake(bin, { dbRepositories: mirrors });
      await expect(outcome).rejects.toThrow(/^trivy could not download its vulnerability DB from any mirror: mirror-a.*; mirror-b.*; mirror-c/);
      expect(calls(bin)).toEqual(mirrors);
    });

    it('does not retry a failure that is not about the DB', async () => {
      const bin = fakeTrivy(fatal('run error: fs scan error: permission denied'));
      const { outcome } = await runFake(bin, { dbRepositories: mirrors });
      await expect(outcome).rejects.toThrow(/permission denied/);
      expect(calls(bin)).toEqual([mirrors[0]]);
    });

    it('does not download at all when the cached DB is fresh', async () => {
      const cache = tmpDir('chaingate-cache-');
      fs.mkdirSync(path.join(cache, 'db'));
      fs.writeFileSync(path.join(cache, 'db', 'trivy.db'), '');
      fs.writeFileSync(path.join(cache, 'db', 'metadata.json'), JSON.stringify({ Version: 2, NextUpdate: '2999-01-01T00:00:00Z' }));
      const bin = fakeTrivy(`cat "${realReport}" > "$out"`);
      const { outcome } = await runFake(bin, { dbRepositories: mirrors, cacheDir: cache });
      await outcome;
      expect(calls(bin)).toEqual(['']);
    });
  });
});
