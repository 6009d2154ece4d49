import { Pool } from 'pg';

const pool = new Pool();

export async function byName(name: string): Promise<unknown> {
  // ruleid: chaingate.js.sql-string-concat
  const r = await pool.query(`UPDATE accounts SET seen = now() WHERE name = '${name}'`);
  // ok: chaingate.js.sql-string-concat
  await pool.query('UPDATE accounts SET seen = now() WHERE name = $1', [name]);
  return r.rows;
}
