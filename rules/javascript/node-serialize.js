const serialize = require('node-serialize');
const express = require('express');
const app = express();

app.get('/profile', (req, res) => {
  const raw = Buffer.from(req.cookies.profile, 'base64').toString();
  // ruleid: chaingate.js.unsafe-deserialization
  const profile = serialize.unserialize(raw);
  // ok: chaingate.js.unsafe-deserialization
  const prefs = JSON.parse(raw);
  // ok: chaingate.js.unsafe-deserialization
  const out = serialize.serialize({ name: profile.name, prefs });
  res.send(out);
});

// ruleid: chaingate.js.unsafe-deserialization
const fromDisk = require('node-serialize').unserialize(process.argv[2]);
module.exports = { fromDisk };
