import axios from 'axios';
import type { Request, Response } from 'express';

export async function proxy(req: Request, res: Response): Promise<void> {
  const target = String(req.query.target);
  // ruleid: chaingate.js.ssrf
  const r = await axios({ method: 'get', url: target });
  // ok: chaingate.js.ssrf
  const s = await axios({ method: 'get', url: 'https://127.0.0.1/fixed' });
  res.json({ a: r.data, b: s.data });
}
