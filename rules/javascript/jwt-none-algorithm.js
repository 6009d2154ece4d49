const jwt = require('jsonwebtoken');

function check(token, key) {
  // ruleid: chaingate.js.jwt-none-algorithm
  const a = jwt.verify(token, key, { algorithms: ['HS256', 'none'] });
  // ruleid: chaingate.js.jwt-none-algorithm
  const b = jwt.sign({ sub: 'admin' }, '', { algorithm: 'none' });
  // ruleid: chaingate.js.jwt-none-algorithm
  const c = jwt.verify(token, null);
  // ok: chaingate.js.jwt-none-algorithm
  const d = jwt.verify(token, key, { algorithms: ['RS256'] });
  // ok: chaingate.js.jwt-none-algorithm
  const e = jwt.sign({ sub: 'u1' }, key, { algorithm: 'ES256', expiresIn: '1h' });
  return [a, b, c, d, e];
}
module.exports = { check };
