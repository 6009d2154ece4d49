import * as child_process from 'node:child_process';
import type { Request, Response } from 'express';

export function handler(req: Request, res: Response): void {
  const name = String(req.params.name);
  // ruleid: chaingate.js.command-injection
  child_process.execSync('git show ' + name);
  // ok: chaingate.js.command-injection
  child_process.execFileSync('git', ['show', name]);
  res.end();
}
