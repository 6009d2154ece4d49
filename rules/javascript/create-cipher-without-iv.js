const crypto = require('crypto');

function seal(password, text) {
  // ruleid: chaingate.js.create-cipher-without-iv
  const c = crypto.createCipher('aes-256-cbc', password);
  return c.update(text, 'utf8', 'hex') + c.final('hex');
}

function open(password, hex) {
  // ruleid: chaingate.js.create-cipher-without-iv
  const d = crypto.createDecipher('aes-256-cbc', password);
  return d.update(hex, 'hex', 'utf8') + d.final('utf8');
}

function sealWithIv(password, text) {
  const key = crypto.scryptSync(password, crypto.randomBytes(16), 32);
  const iv = crypto.randomBytes(12);
  // ok: chaingate.js.create-cipher-without-iv
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, c.update(text), c.final(), c.getAuthTag()]);
}
module.exports = { seal, open, sealWithIv };
