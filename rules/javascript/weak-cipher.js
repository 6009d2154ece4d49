const crypto = require('crypto');

function encrypt(key, iv, text) {
  // ruleid: chaingate.js.weak-cipher
  const a = crypto.createCipheriv('des-cbc', key, iv);
  // ruleid: chaingate.js.weak-cipher
  const b = crypto.createCipheriv('aes-128-ecb', key, null);
  // ruleid: chaingate.js.weak-cipher
  const c = crypto.createDecipheriv('rc4', key, '');
  // ok: chaingate.js.weak-cipher
  const d = crypto.createCipheriv('aes-256-gcm', key, iv);
  // ok: chaingate.js.weak-cipher
  const e = crypto.createCipheriv('chacha20-poly1305', key, iv, { authTagLength: 16 });
  return [a, b, c, d, e].map((x) => x.update(text));
}
module.exports = { encrypt };
