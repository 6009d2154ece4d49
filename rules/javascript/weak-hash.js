const crypto = require('crypto');

function hashPassword(pw) {
  // ruleid: chaingate.js.weak-hash
  return crypto.createHash('md5').update(pw).digest('hex');
}

function sign(body, key) {
  // ruleid: chaingate.js.weak-hash
  const legacy = crypto.createHash('SHA1').update(body).digest('hex');
  // ok: chaingate.js.weak-hash
  const digest = crypto.createHash('sha256').update(body).digest('hex');
  // ok: chaingate.js.weak-hash
  const mac = crypto.createHmac('sha512', key).update(body).digest('hex');
  return [legacy, digest, mac];
}
module.exports = { hashPassword, sign };
