// The same report service as examples/vulnerable, written safely: no shell, no eval,
// parameterized SQL, paths confined to the reports folder, and a fixed template.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const _ = require('lodash');
const qs = require('qs');
const db = require('./db');

const REPORTS_DIR = path.join(__dirname, '..', 'reports');
const HOST_NAME = /^[A-Za-z0-9.-]{1,253}$/;

function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const params = qs.parse(url.search.slice(1));

  if (url.pathname === '/ping') {
    const host = String(params.host ?? '');
    if (!HOST_NAME.test(host)) return reply(res, 400, 'bad host');
    // No shell: the host is one argument, never parsed as a command line.
    execFile('ping', ['-c', '1', '--', host], (err, stdout) => reply(res, 200, err ? 'unreachable' : stdout));
    return;
  }

  if (url.pathname === '/calc') {
    const a = Number(params.a);
    const b = Number(params.b);
    if (!Number.isFinite(a) || !Number.isFinite(b)) return reply(res, 400, 'numbers only');
    reply(res, 200, String(a + b));
    return;
  }

  if (url.pathname === '/users') {
    db.query('SELECT id, email FROM users WHERE name = $1', [String(params.name ?? '')]).then((rows) =>
      reply(res, 200, JSON.stringify(rows)),
    );
    return;
  }

  if (url.pathname === '/report') {
    const file = path.resolve(REPORTS_DIR, String(params.file ?? ''));
    if (!file.startsWith(REPORTS_DIR + path.sep)) return reply(res, 400, 'bad file');
    fs.readFile(file, 'utf8', (err, text) => reply(res, err ? 404 : 200, err ? 'not found' : text));
    return;
  }

  if (url.pathname === '/greet') {
    reply(res, 200, `Hello, ${_.escape(String(params.name ?? ''))}`);
    return;
  }

  reply(res, 404, '');
}

function reply(res, status, body) {
  res.statusCode = status;
  res.end(body);
}

http.createServer(handle).listen(Number(process.env.PORT) || 8080);
