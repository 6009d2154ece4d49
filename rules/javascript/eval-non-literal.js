const vm = require('vm');

function calc(req, res) {
  const expr = req.query.expr;
  // ruleid: chaingate.js.eval-non-literal
  const result = eval(expr);
  // ruleid: chaingate.js.eval-non-literal
  const f = new Function('a', 'b', 'return ' + expr);
  // ruleid: chaingate.js.eval-non-literal
  setTimeout("run(" + expr + ")", 10);
  // ruleid: chaingate.js.eval-non-literal
  vm.runInNewContext(req.body.code, {});
  // ok: chaingate.js.eval-non-literal
  eval('1 + 1');
  // ok: chaingate.js.eval-non-literal
  setTimeout(() => res.send(String(result)), 10);
  // ok: chaingate.js.eval-non-literal
  setInterval(function tick() { f(1, 2); }, 1000);
  // ok: chaingate.js.eval-non-literal
  const g = new Function('a', 'return a * 2');
  return g;
}
module.exports = { calc };
