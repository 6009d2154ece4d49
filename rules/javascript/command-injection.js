const express = require('express');
const cp = require('child_process');
const app = express();

app.get('/ping', (req, res) => {
  const host = req.query.host;
  // ruleid: chaingate.js.command-injection
  cp.exec('ping -c 1 ' + host, (err, out) => res.send(out));
});

app.post('/convert', (req, res) => {
  // ruleid: chaingate.js.command-injection
  const out = cp.execSync(`convert ${req.body.file} out.png`);
  res.send(out);
});

app.get('/grep', (req, res) => {
  // ruleid: chaingate.js.command-injection
  cp.spawn(req.query.cmd, [], { shell: true });
});

app.get('/safe', (req, res) => {
  // ok: chaingate.js.command-injection
  cp.execFile('ping', ['-c', '1', req.query.host], (err, out) => res.send(out));
  // ok: chaingate.js.command-injection
  cp.spawn('git', ['log', req.query.ref]);
  // ok: chaingate.js.command-injection
  cp.exec('uptime', (err, out) => res.send(out));
  // ok: chaingate.js.command-injection
  /^[a-z]+$/.exec(req.query.name);
});

const { exec } = require('node:child_process');
const http = require('node:http');

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  // ruleid: chaingate.js.command-injection
  exec('host ' + url.searchParams.get('name'), (err, out) => res.end(out));
  // ok: chaingate.js.command-injection
  exec('hostname', (err, out) => res.end(out));
});
