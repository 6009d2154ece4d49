// DELIBERATELY VULNERABLE test input for chaingate's Semgrep adapter. Never run it.
const express = require('express');
const crypto = require('crypto');
const https = require('https');
const { exec } = require('child_process');

const app = express();
const agent = new https.Agent({ rejectUnauthorized: false });

app.get('/ping', (req, res) => {
  exec('ping -c 1 ' + req.query.host, (err, out) => res.end(out));
});

app.get('/hello', (req, res) => {
  res.send('<h1>Hello ' + req.query.name + '</h1>');
});

function etag(body) {
  return crypto.createHash('md5').update(body).digest('hex');
}

module.exports = { app, agent, etag };
