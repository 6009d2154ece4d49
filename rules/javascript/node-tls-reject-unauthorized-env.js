const { spawn } = require('child_process');

// ruleid: chaingate.js.node-tls-reject-unauthorized-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// ruleid: chaingate.js.node-tls-reject-unauthorized-disabled
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = 0;
// ruleid: chaingate.js.node-tls-reject-unauthorized-disabled
spawn('node', ['worker.js'], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
// ok: chaingate.js.node-tls-reject-unauthorized-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';
// ok: chaingate.js.node-tls-reject-unauthorized-disabled
process.env.NODE_EXTRA_CA_CERTS = '/etc/ssl/private-ca.pem';
