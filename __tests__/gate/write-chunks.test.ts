import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeChunks } from '../../src/gate/write-chunks';
import { tmpDir } from '../helpers/paths';

describe('writeChunks', () => {
  const dir = tmpDir('chaingate-write-chunks-');
  // Pieces of many sizes, some empty and some not ASCII, so that offsets are counted in bytes.
  const pieces = Array.from({ length: 300 }, (_, i) => (i % 17 === 0 ? '' : `${i}:${'é✓🐛x'.repeat(i % 40)}${'y'.repeat((i * 7919) % 5000)}\n`));

  it('writes every piece in order, then renames', async () => {
    const file = path.join(dir, 'out.json');
    await writeChunks(file, pieces);
    expect(fs.readFileSync(file, 'utf8')).toBe(pieces.join(''));
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  });

  it('writes many small pieces a full buffer at a time', async () => {
    const file = path.join(dir, 'small.json');
    const small = Array.from({ length: 200_000 }, (_, i) => `{"i":${i},"t":"é✓🐛"},`);
    await writeChunks(file, small);
    expect(fs.readFileSync(file, 'utf8')).toBe(small.join(''));
  });

  it('grows its buffer for a piece larger than it', async () => {
    const file = path.join(dir, 'large.json');
    // 3 bytes per character, past the first 1 MB buffer; then small pieces again.
    const large = ['a', '✓'.repeat(400_000), 'é🐛', 'b'.repeat(1 << 21), 'z'];
    await writeChunks(file, large);
    expect(fs.readFileSync(file, 'utf8')).toBe(large.join(''));
  });

  it('replaces a file that is there', async () => {
    const file = path.join(dir, 'again.json');
    fs.writeFileSync(file, 'x'.repeat(100000));
    await writeChunks(file, ['{}', '\n']);
    expect(fs.readFileSync(file, 'utf8')).toBe('{}\n');
  });

  it('rejects with the failed write, leaves no report and no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const file = path.join(dir, 'full.json');
      // Every write to /dev/full fails with ENOSPC, as on a full disk.
      fs.symlinkSync('/dev/full', `${file}.partial`);
      await expect(writeChunks(file, pieces)).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(fs.existsSync(file)).toBe(false);
      expect(fs.existsSync(`${file}.partial`)).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('rejects when rendering a piece fails, and leaves no report', async () => {
    const file = path.join(dir, 'broken.json');
    function* broken(): Generator<string> {
      yield 'a'.repeat(70000);
      yield 'b';
      throw new Error('renderer bug');
    }
    await expect(writeChunks(file, broken())).rejects.toThrow('renderer bug');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  });
});
