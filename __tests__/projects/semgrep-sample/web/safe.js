// The fixed twin of app.js: nothing here may be reported.
const express = require('express');
const crypto = require('crypto');
const escapeHtml = require('escape-html');
const { execFile } = require('child_process');

const app = express();

app.get('/ping', (req, res) => {
  execFile('ping', ['-c', '1', String(req.query.host)], (err, out) => res.end(out));
});

app.get('/hello', (req, res) => {
  res.send('<h1>Hello ' + escapeHtml(req.query.name) + '</h1>');
});

function etag(body) {
  return crypto.createHash('sha256').update(body).digest('hex');
}

module.exports = { app, etag };
