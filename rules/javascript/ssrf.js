const express = require('express');
const axios = require('axios');
const https = require('https');
const app = express();

app.get('/preview', async (req, res) => {
  // ruleid: chaingate.js.ssrf
  const r = await fetch(req.query.url);
  // ruleid: chaingate.js.ssrf
  const a = await axios.get(req.body.target);
  // ruleid: chaingate.js.ssrf
  https.get('https://' + req.params.host + '/status', (resp) => resp.pipe(res));
  // ok: chaingate.js.ssrf
  const b = await axios.get('https://api.internal.example/items', { params: { q: req.query.q } });
  // ok: chaingate.js.ssrf
  const c = await fetch('https://127.0.0.1/health');
  // ok: chaingate.js.ssrf
  res.get(req.query.header);
  res.json({ r: r.status, a: a.status, b: b.status, c: c.status });
});
