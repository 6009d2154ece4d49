#!/usr/bin/env node
// PR-mode benchmark (issue "PR mode: gate what a change introduces"): a generated repository of
// 2,000 source files and a pull request changing 3 of them; the gate with `--baseline REF`
// against a full scan without a baseline, alternated in one run with the same tools and data.
// Goal: baseline run <= 0.5 x the full scan.
//
//   npm run build && node bench/baseline.mjs [--runs 3] [--files 2000]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 3);
const FILES = arg('--files', 2000);
const work = path.join(repo, 'bench', '.work', 'baseline');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const project = path.join(work, 'project');
const cache = path.join(work, 'trivy-cache');
const osv = path.join(work, 'osv');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return r;
}
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
const git = (...args) => {
  const r = sh('git', args, { cwd: project, env: gitEnv });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

// Offline data: the fixture Trivy DB and the OSV folder from the committed advisories.
sh('go', ['build', '-o', path.join(work, 'trivy-db-fixture'), '.'], { cwd: path.join(repo, 'tools', 'trivy-db-fixture') });
sh(path.join(work, 'trivy-db-fixture'), ['-input', path.join(repo, '__tests__', 'trivy-db', 'advisories.json'), '-cache-dir', cache]);
sh(process.execPath, [path.join(repo, 'scripts', 'osv-from-advisories.mjs'), osv]);

/** A plausible module: helpers, a class, some routes; every 50th one carries a real flaw. */
function jsModule(i) {
  const flaw = i % 50 === 0 ? `\nfunction legacy${i}(code) {\n  return eval(code);\n}\nmodule.exports.legacy${i} = legacy${i};\n` : '';
  return `'use strict';
const path = require('node:path');
const { format } = require('node:util');

/** Module ${i}: generated for the PR-mode benchmark. */
class Service${i} {
  constructor(options = {}) {
    this.name = options.name || 'service-${i}';
    this.limit = Number(options.limit ?? ${(i % 17) + 3});
    this.items = new Map();
  }

  add(key, value) {
    if (this.items.size >= this.limit) throw new Error(format('%s is full', this.name));
    this.items.set(key, { value, at: Date.now() });
    return this;
  }

  list() {
    return [...this.items.entries()].map(([k, v]) => ({ key: k, ...v }));
  }

  file(name) {
    return path.join(__dirname, 'data', String(name).replace(/[^a-z0-9]/gi, '_'));
  }
}

function sum${i}(xs) {
  let total = 0;
  for (const x of xs) total += typeof x === 'number' ? x : 0;
  return total;
}

module.exports = { Service${i}, sum${i} };
${flaw}`;
}

function pyModule(i) {
  const flaw = i % 25 === 0 ? `\n\ndef legacy_${i}(code):\n    return eval(code)\n` : '';
  return `"""Module ${i}: generated for the PR-mode benchmark."""
import os
from dataclasses import dataclass, field


@dataclass
class Record${i}:
    name: str
    tags: list = field(default_factory=list)

    def path(self, base):
        return os.path.join(base, self.name.replace("/", "_"))


def total_${i}(values):
    return sum(v for v in values if isinstance(v, (int, float)))
${flaw}`;
}

fs.mkdirSync(project, { recursive: true });
git('init', '-q', '-b', 'main');
const pyCount = Math.floor(FILES / 10);
for (let i = 0; i < FILES; i++) {
  const py = i < pyCount;
  const file = py ? path.join(project, 'py', `pkg${i % 20}`, `mod_${i}.py`) : path.join(project, 'src', `area${i % 40}`, `module${i}.js`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, py ? pyModule(i) : jsModule(i));
}
const deps = { lodash: '4.17.20', qs: '6.5.2' };
const packages = { '': { name: 'bench', version: '1.0.0', dependencies: deps } };
for (const [n, v] of Object.entries(deps)) packages[`node_modules/${n}`] = { version: v, license: 'MIT' };
fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'bench', version: '1.0.0', dependencies: deps }, null, 2));
fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ name: 'bench', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
git('add', '-A');
git('commit', '-q', '-m', 'base');
const base = git('rev-parse', 'HEAD');

// The pull request: 3 files changed, one of them introducing a flaw.
const changed = ['src/area1/module201.js', 'src/area2/module202.js', 'src/area3/module203.js'];
fs.appendFileSync(path.join(project, changed[0]), '\nmodule.exports.run = (input) => eval(input);\n');
fs.appendFileSync(path.join(project, changed[1]), '\n// refactored\nmodule.exports.version = 2;\n');
fs.writeFileSync(path.join(project, changed[2]), '// header added by the PR\n\n' + fs.readFileSync(path.join(project, changed[2]), 'utf8'));
git('add', '-A');
git('commit', '-q', '-m', 'change 3 files');
const sourceFiles = Number(git('ls-files').split('\n').filter((f) => /\.(js|py)$/.test(f)).length);

function gate(extra, out) {
  const t0 = process.hrtime.bigint();
  const r = sh(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'scan', project, '--offline', '--osv-db', osv, '--output-dir', out, ...extra], {
    env: { ...process.env, CHAINGATE_TRIVY_CACHE_DIR: cache },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
  return { ms, status: r.status, result };
}

const full = [];
const pr = [];
for (let i = 0; i < RUNS; i++) {
  // Alternated, so both see the same machine load.
  full.push(gate([], path.join(work, `out-full-${i}`)));
  pr.push(gate(['--baseline', base], path.join(work, `out-pr-${i}`)));
}
const best = (xs) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
const median = (xs) => {
  const s = xs.map((x) => x.ms).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const f = best(full);
const p = best(pr);
console.log(`\nPR-mode benchmark: ${sourceFiles} source files, a PR changing ${changed.length}, ${RUNS} alternated run(s) each, ${os.cpus().length} cores (exit codes: full ${f.status}, --baseline ${p.status})\n`);
console.log('| run | best (ms) | median (ms) | findings | new | blocking |');
console.log('|---|---|---|---|---|---|');
console.log(`| full scan, no baseline | ${f.ms.toFixed(0)} | ${median(full).toFixed(0)} | ${f.result.summary.total} | — | ${f.result.summary.blocking} |`);
console.log(`| --baseline ${base.slice(0, 12)} | ${p.ms.toFixed(0)} | ${median(pr).toFixed(0)} | ${p.result.summary.total} | ${p.result.summary.new} | ${p.result.summary.blocking} |`);
for (const [label, r] of [['full', f], ['baseline', p]]) {
  for (const s of r.result.scanners) console.log(`|   ${label}: ${s.name} (${s.status}, ${s.findings} findings) | ${s.durationMs} | | | | |`);
}
const ratio = median(pr) / median(full);
console.log(`\n--baseline / full (medians): ${ratio.toFixed(2)} (goal <= 0.50): ${ratio <= 0.5 ? 'MET' : 'NOT MET'}`);
