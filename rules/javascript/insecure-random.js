const crypto = require('crypto');

// ruleid: chaingate.js.insecure-random-token
const resetToken = Math.random().toString(36).slice(2);

function makeSessionId() {
  // ruleid: chaingate.js.insecure-random-token
  return Math.floor(Math.random() * 1e16).toString(16);
}

// ruleid: chaingate.js.insecure-random-token
const user = { name: 'a', apiKey: String(Math.random()).slice(2) };

// ok: chaingate.js.insecure-random-token
const jitterMs = Math.random() * 1000;
// ok: chaingate.js.insecure-random-token
const csrfToken = crypto.randomBytes(32).toString('hex');
module.exports = { resetToken, makeSessionId, user, jitterMs, csrfToken };
