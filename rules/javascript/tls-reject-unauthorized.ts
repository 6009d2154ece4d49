import * as tls from 'node:tls';

const opts: tls.ConnectionOptions = { host: '127.0.0.1', port: 8443 };
// ruleid: chaingate.js.tls-reject-unauthorized-false
opts.rejectUnauthorized = false;
// ok: chaingate.js.tls-reject-unauthorized-false
const checked: tls.ConnectionOptions = { host: '127.0.0.1', port: 8443, servername: 'api.internal' };
export const sockets = [tls.connect(opts), tls.connect(checked)];
