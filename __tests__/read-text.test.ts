import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBytes, readText, stripBom } from '../src/read-text';
import { tmpDir } from './helpers/paths';

describe('readText', () => {
  const dir = tmpDir('chaingate-read-text-');
  const write = (name: string, data: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    return p;
  };

  it('reads ASCII, UTF-8 and empty files as fs.readFileSync(file, "utf8") does', () => {
    const cases = [
      write('ascii.json', '{"Title":"Prototype pollution in lodash","Severity":"HIGH"}\n'),
      write('utf8.json', '{"Title":"Dépassement — ✓ 漏洞 🐛","Path":"C:\\\\x"}'),
      write('invalid.bin', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
      write('empty.json', ''),
    ];
    for (const p of cases) expect([p, readText(p)]).toEqual([p, fs.readFileSync(p, 'utf8')]);
    expect(JSON.parse(readText(cases[1])).Title).toBe('Dépassement — ✓ 漏洞 🐛');
  });

  it('drops a UTF-8 byte order mark, which JSON.parse would stop at with an invisible token', () => {
    const p = write('bom.json', '\ufeff{"a":1}');
    expect(readText(p)).toBe('{"a":1}');
    expect(readBytes(p).toString('utf8')).toBe('{"a":1}');
    expect(stripBom('\ufeffx')).toBe('x');
    expect(stripBom('x\ufeff')).toBe('x\ufeff');
  });

  it('throws like fs for a missing file', () => {
    expect(() => readText(path.join(dir, 'nope.json'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
