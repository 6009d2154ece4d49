const express = require('express');
const fs = require('fs');
const path = require('path');
const app = express();

app.get('/files', (req, res) => {
  // ruleid: chaingate.js.path-traversal
  fs.readFile('/srv/files/' + req.query.name, (err, data) => res.end(data));
});

app.get('/download/:file', (req, res) => {
  const p = path.join(__dirname, 'public', req.params.file);
  // ruleid: chaingate.js.path-traversal
  res.sendFile(p);
  // ok: chaingate.js.path-traversal
  res.sendFile(req.params.file, { root: path.join(__dirname, 'public') });
});

app.post('/upload', (req, res) => {
  // ruleid: chaingate.js.path-traversal
  fs.writeFileSync(`/tmp/uploads/${req.body.filename}`, req.body.content);
  // ok: chaingate.js.path-traversal
  fs.writeFileSync('/tmp/uploads/' + path.basename(req.body.filename), req.body.content);
  // ok: chaingate.js.path-traversal
  const cfg = fs.readFileSync('/etc/app/config.json', 'utf8');
  res.json(JSON.parse(cfg));
});

app.get('/report', (req, res) => {
  const file = path.resolve('/srv/reports', String(req.query.file));
  if (!file.startsWith('/srv/reports/')) return res.status(400).end();
  // ok: chaingate.js.path-traversal
  fs.readFile(file, 'utf8', (err, text) => res.end(text));
});
