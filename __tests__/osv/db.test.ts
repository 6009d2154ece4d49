// The offline OSV database: a folder of OSV JSON files or OSV zip exports, the zips written by
// Python's zipfile (deflate, stored, and forced ZIP64) so our reader meets a real writer's output.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadOsvDb } from '../../src/osv/db';
import { listZip, readZipEntry, type ReadAt } from '../../src/osv/zip';
import { matchPackages } from '../../src/osv/matcher';
import { packageIndexKey } from '../../src/osv/versions';
import { runTool } from '../../src/process/run-tool';
import { ChaingateError } from '../../src/errors';
import { tmpDir } from '../helpers/paths';
import { ADVISORY_DIR, advisoryFiles } from './advisories';

async function pyZip(out: string, opts: { zip64?: boolean; stored?: boolean; filler?: number } = {}): Promise<void> {
  const script = [
    'import sys, os, zipfile',
    'src, out, zip64, stored = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"',
    'method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED',
    'with zipfile.ZipFile(out, "w", method) as z:',
    '    for n in sorted(os.listdir(src)):',
    '        with open(os.path.join(src, n), "rb") as f: data = f.read()',
    '        with z.open(n[:-5].split("-")[0] + "/" + n, "w", force_zip64=zip64) as w: w.write(data)',
    '    z.writestr("README.txt", "not an advisory")',
    // Past 65 535 entries the archive needs the ZIP64 end of central directory record.
    '    for i in range(int(sys.argv[5])): z.writestr("filler/%d.txt" % i, "")',
  ].join('\n');
  const r = await runTool('python3', ['-c', script, ADVISORY_DIR, out, opts.zip64 ? '1' : '0', opts.stored ? '1' : '0', String(opts.filler ?? 0)]);
  if (r.exitCode !== 0) throw new Error(`python3 zip failed: ${r.stderr}`);
}

function fileReader(file: string): { read: ReadAt; size: number } {
  const buf = fs.readFileSync(file);
  return { read: (o, l) => buf.subarray(o, o + l), size: buf.length };
}

const PROBE = [
  { ecosystem: 'npm', name: 'lodash', version: '4.17.20', path: 'package-lock.json' },
  { ecosystem: 'pypi', name: 'PyYAML', version: '5.3', path: 'requirements.txt' },
  { ecosystem: 'golang', name: 'golang.org/x/net', version: 'v0.16.0', path: 'go.mod' },
];

describe('OSV database loading', () => {
  const dir = tmpDir('chaingate-osvdb-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a folder of OSV JSON files, leaving out the withdrawn one', () => {
    const { index, files } = loadOsvDb(ADVISORY_DIR);
    expect(files).toBe(advisoryFiles().length);
    expect(index.count).toBe(files - 1);
    expect(matchPackages(PROBE, index).map((f) => f.id).sort()).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-8q59-q68h-6hv4', 'GO-2023-2102']);
  });

  it.each([
    ['deflated', {}],
    ['stored', { stored: true }],
    ['ZIP64-entry', { zip64: true }],
  ])('reads a %s zip export the same as the folder', async (_what, opts) => {
    const zip = path.join(dir, `all-${_what}.zip`);
    await pyZip(zip, opts);
    const { read, size } = fileReader(zip);
    const entries = listZip(read, size);
    expect(entries).toHaveLength(advisoryFiles().length + 1);
    const first = entries.find((e) => e.name.endsWith('GHSA-35jh-r3h4-6jhm-lodash.json'));
    expect(readZipEntry(read, first!).toString('utf8')).toBe(fs.readFileSync(path.join(ADVISORY_DIR, 'GHSA-35jh-r3h4-6jhm-lodash.json'), 'utf8'));
    const fromZip = loadOsvDb(zip);
    expect(fromZip.files).toBe(advisoryFiles().length);
    expect(matchPackages(PROBE, fromZip.index)).toEqual(matchPackages(PROBE, loadOsvDb(ADVISORY_DIR).index));
  });

  it('reads an archive with more entries than a ZIP32 directory can count (ZIP64 end record)', async () => {
    const zip = path.join(dir, 'all-many.zip');
    await pyZip(zip, { filler: 70000 });
    const { read, size } = fileReader(zip);
    const tail = read(size - 22, 22);
    expect(tail.readUInt16LE(10)).toBe(0xffff);
    expect(listZip(read, size)).toHaveLength(70000 + advisoryFiles().length + 1);
    expect(loadOsvDb(zip).index.count).toBe(advisoryFiles().length - 1);
  });

  it('keeps only the advisories about wanted packages', () => {
    const wanted = new Set(PROBE.map((p) => packageIndexKey(p.ecosystem, p.name)));
    const { index } = loadOsvDb(ADVISORY_DIR, { wanted });
    expect([...index.byId.keys()].sort()).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-8q59-q68h-6hv4', 'GHSA-jf85-cpcp-j695', 'GHSA-p6mc-m468-83gw', 'GO-2023-2102']);
  });

  it('fails naming the file when an advisory is damaged, and names the setting when the path is wrong', async () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(path.join(bad, 'npm'), { recursive: true });
    fs.writeFileSync(path.join(bad, 'npm', 'GHSA-x.json'), '{"id": "GHSA-x", "affected": [');
    expect(() => loadOsvDb(bad)).toThrow(/bad\/npm\/GHSA-x\.json: not valid JSON/);
    fs.writeFileSync(path.join(bad, 'npm', 'GHSA-x.json'), '{"affected": []}');
    expect(() => loadOsvDb(bad)).toThrow(/GHSA-x\.json \(OSV advisory\): unexpected format/);
    expect(() => loadOsvDb(path.join(dir, 'missing'))).toThrow(/audit\.osv-db: .*missing does not exist/);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    expect(() => loadOsvDb(empty)).toThrow(/holds no OSV JSON files/);
    try {
      loadOsvDb(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(ChaingateError);
    }
  });

  it('fails on a truncated zip rather than reading it as empty', async () => {
    const zip = path.join(dir, 'all-trunc.zip');
    await pyZip(zip);
    const buf = fs.readFileSync(zip);
    fs.writeFileSync(zip, buf.subarray(0, Math.floor(buf.length / 2)));
    expect(() => loadOsvDb(zip)).toThrow(/all-trunc\.zip: not a ZIP archive .*download the OSV export again/);
  });
});
