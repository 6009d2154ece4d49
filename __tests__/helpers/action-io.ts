// What an action test needs from the runner: an empty GITHUB_OUTPUT file of its own, a clean exit
// code, and what the action prints on stdout (workflow commands, annotations), captured.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from './paths';

export interface ActionIo {
  outFile: string;
  stdout: string[];
  write: jest.SpyInstance;
}

export function captureActionIo(prefix: string): ActionIo {
  const outFile = path.join(tmpDir(prefix), 'github_output');
  fs.writeFileSync(outFile, '');
  process.env.GITHUB_OUTPUT = outFile;
  process.exitCode = undefined;
  const stdout: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((c) => {
    stdout.push(String(c));
    return true;
  });
  return { outFile, stdout, write };
}
