// The offline OSV database: a folder of OSV JSON files or OSV zip exports, the zips written by
// Python's zipfile (deflate, stored, and forced ZIP64) so our reader meets a real writer's output.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadOsvDb } from '../../src/osv/db';
import { listZip, readZipEntry, type ReadAt } from '../../src/osv/zip';
import { deflateRawSync } from 'node:zlib';
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

/**
 * A one-entry archive written by hand per APPNOTE 4.5.3: sizes in the central directory saturated
 * to 0xFFFFFFFF, the real ones in a ZIP64 extended-information extra field.
 */
function handZip(name: string, data: Buffer, method: number): Buffer {
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const extra = Buffer.alloc(20);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(16, 2);
  extra.writeBigUInt64LE(BigInt(data.length), 4);
  extra.writeBigUInt64LE(BigInt(data.length), 12);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(45, 4);
  central.writeUInt16LE(45, 6);
  central.writeUInt16LE(method, 10);
  central.writeUInt32LE(0xffffffff, 20);
  central.writeUInt32LE(0xffffffff, 24);
  central.writeUInt16LE(n.length, 28);
  central.writeUInt16LE(extra.length, 30);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + n.length + data.length;
  const cdSize = central.length + n.length + extra.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, n, data, central, n, extra, end]);
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

  it('reads entries that straddle the reader’s 1 MiB window and entries larger than it', async () => {
    const zip = path.join(dir, 'all-large.zip');
    // Stored, so sizes on disk are what they say: 330 KiB, then 1.5 MiB of details.
    const script = [
      'import sys, os, json, zipfile',
      'with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as z:',
      '    for i, n in enumerate(sorted(os.listdir(sys.argv[1]))):',
      '        a = json.load(open(os.path.join(sys.argv[1], n)))',
      '        a["details"] = ("%s " % n) * ((1500000 if i == 3 else 330000) // (len(n) + 1))',
      '        z.writestr(n, json.dumps(a))',
    ].join('\n');
    const r = await runTool('python3', ['-c', script, ADVISORY_DIR, zip]);
    expect(r.stderr).toBe('');
    expect(fs.statSync(zip).size).toBeGreaterThan(8 << 20);
    const { index, files } = loadOsvDb(zip);
    expect(files).toBe(advisoryFiles().length);
    const folder = loadOsvDb(ADVISORY_DIR).index;
    expect([...index.byId.keys()].sort()).toEqual([...folder.byId.keys()].sort());
    for (const [id, a] of index.byId) expect([id, a.details?.length, a.details?.endsWith('.json ')]).toEqual([id, expect.any(Number), true]);
    expect(Math.max(...[...index.byId.values()].map((a) => a.details?.length ?? 0))).toBeGreaterThan(1 << 20);
    expect(matchPackages(PROBE, index).map((f) => f.id)).toEqual(matchPackages(PROBE, folder).map((f) => f.id));
  });

  it('reads ZIP64 sizes from the central directory’s extra field, and refuses unknown compression', () => {
    const data = fs.readFileSync(path.join(ADVISORY_DIR, 'MAL-2025-46969-chalk.json'));
    const zip = handZip('npm/MAL-2025-46969.json', data, 0);
    const read: ReadAt = (o, l) => zip.subarray(o, o + l);
    const [entry] = listZip(read, zip.length);
    expect(entry).toMatchObject({ name: 'npm/MAL-2025-46969.json', size: data.length, compressedSize: data.length, localHeaderOffset: 0 });
    expect(readZipEntry(read, entry).equals(data)).toBe(true);
    const bz = handZip('x.json', data, 12);
    const bzRead: ReadAt = (o, l) => bz.subarray(o, o + l);
    expect(() => readZipEntry(bzRead, listZip(bzRead, bz.length)[0])).toThrow(/compression method 12 is not supported/);
  });

  it('stops inflating an entry at the size the directory gives it (a zip bomb fills no memory)', () => {
    // 1 MiB of one byte deflates to about a kilobyte; the directory claims that kilobyte is all.
    const packed = deflateRawSync(Buffer.alloc(1 << 20, 0x20));
    const bomb = handZip('npm/bomb.json', packed, 8);
    const read: ReadAt = (o, l) => bomb.subarray(o, o + l);
    const [entry] = listZip(read, bomb.length);
    expect(entry.size).toBe(packed.length);
    expect(() => readZipEntry(read, entry)).toThrow(/npm\/bomb\.json: cannot inflate/);
  });

  it('keeps only the advisories about wanted packages', () => {
    const wanted = new Set(PROBE.map((p) => packageIndexKey(p.ecosystem, p.name)));
    const { index } = loadOsvDb(ADVISORY_DIR, { wanted });
    expect([...index.byId.keys()].sort()).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-8q59-q68h-6hv4', 'GHSA-jf85-cpcp-j695', 'GHSA-p6mc-m468-83gw', 'GO-2023-2102']);
  });

  it('still finds a wanted package whose name the advisory writes with JSON escapes or in another PyPI spelling', () => {
    const escaped = path.join(dir, 'escaped');
    fs.mkdirSync(escaped);
    const text = fs.readFileSync(path.join(ADVISORY_DIR, 'GHSA-35jh-r3h4-6jhm-lodash.json'), 'utf8').replace('"name": "lodash"', '"name": "lod\\u0061sh"');
    expect(text).toContain('lod\\u0061sh');
    fs.writeFileSync(path.join(escaped, 'a.json'), text);
    fs.copyFileSync(path.join(ADVISORY_DIR, 'GHSA-8q59-q68h-6hv4-pyyaml-pypi.json'), path.join(escaped, 'b.json'));
    const wanted = new Set([packageIndexKey('npm', 'lodash'), packageIndexKey('pypi', 'pyyaml')]);
    expect([...loadOsvDb(escaped, { wanted }).index.byId.keys()].sort()).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-8q59-q68h-6hv4']);
    expect(loadOsvDb(escaped, { wanted: new Set([packageIndexKey('npm', 'left-pad')]) }).index.count).toBe(0);
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
