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
  // HMAC's security does not rest on collision resistance: HMAC-SHA1 webhooks are fine.
  // ok: chaingate.js.weak-hash
  const hubSignature = crypto.createHmac('sha1', key).update(body).digest('hex');
  return [legacy, digest, mac, hubSignature];
}
module.exports = { hashPassword, sign };
