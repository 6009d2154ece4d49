const express = require('express');
const escapeHtml = require('escape-html');
const app = express();

app.get('/hello', (req, res) => {
  const name = req.query.name;
  // ruleid: chaingate.js.express-reflected-xss
  res.send('<h1>Hello ' + name + '</h1>');
});

app.get('/search', function (req, res) {
  // ruleid: chaingate.js.express-reflected-xss
  res.status(200).send(`<p>No results for ${req.query.q}</p>`);
  // ruleid: chaingate.js.express-reflected-xss
  res.write(req.get('Referer'));
  res.end();
});

app.get('/safe', (req, res) => {
  // ok: chaingate.js.express-reflected-xss
  res.send('<h1>Hello ' + escapeHtml(req.query.name) + '</h1>');
  // ok: chaingate.js.express-reflected-xss
  res.json({ name: req.query.name });
  // ok: chaingate.js.express-reflected-xss
  res.send('<h1>Hello world</h1>');
  // ok: chaingate.js.express-reflected-xss
  res.send(`page ${parseInt(req.query.page, 10)}`);
});
