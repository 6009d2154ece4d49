const https = require('https');
const fs = require('fs');

// ruleid: chaingate.js.tls-reject-unauthorized-false
const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });

function get(url) {
  // ruleid: chaingate.js.tls-reject-unauthorized-false
  return https.get(url, { rejectUnauthorized: false, timeout: 5000 });
}

// ok: chaingate.js.tls-reject-unauthorized-false
const strict = new https.Agent({ rejectUnauthorized: true, ca: fs.readFileSync('/etc/ssl/private-ca.pem') });

// ok: chaingate.js.tls-reject-unauthorized-false
const defaults = new https.Agent({ keepAlive: true });
module.exports = { agent, get, strict, defaults };
