const mysql = require('mysql2');

// ruleid: chaingate.js.hardcoded-credential
const API_KEY = 'ak_9f8e7d6c5b4a3f2e1d0c9b8a';

const db = mysql.createConnection({
  host: '127.0.0.1',
  user: 'app',
  // ruleid: chaingate.js.hardcoded-credential
  password: 'Sup3rS3cretPassw0rd!',
});

const config = {};
// ruleid: chaingate.js.hardcoded-credential
config.clientSecret = 'f1d2d2f924e986ac86fdf7b36c94bcdf32beec15';

// ok: chaingate.js.hardcoded-credential
const DB_PASSWORD = process.env.DB_PASSWORD;
// ok: chaingate.js.hardcoded-credential
const placeholder = { password: 'changeme' };
// ok: chaingate.js.hardcoded-credential
const envName = { apiKey: 'STRIPE_API_KEY' };
// ok: chaingate.js.hardcoded-credential
const passwordLabel = 'Enter your password';
module.exports = { API_KEY, db, config, DB_PASSWORD, placeholder, envName, passwordLabel };
