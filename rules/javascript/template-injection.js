const _ = require('lodash');
const ejs = require('ejs');
const fs = require('fs');

function greet(req, res) {
  // ruleid: chaingate.js.template-injection
  const render = _.template(req.query.template);
  // ruleid: chaingate.js.template-injection
  const html = ejs.render('<h1>' + req.query.title + '</h1>', {});
  // ok: chaingate.js.template-injection
  const fixed = _.template('Hello <%- name %>');
  // ok: chaingate.js.template-injection
  const page = ejs.render('<p><%= name %></p>', { name: req.query.name });
  // ok: chaingate.js.template-injection
  const other = ejs.render(fs.readFileSync('views/page.ejs', 'utf8'), { name: req.query.name });
  res.send(render({}) + html + fixed({ name: req.query.name }) + page + other);
}
module.exports = { greet };
