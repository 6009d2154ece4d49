const { exec, execSync, execFile } = require('child_process');

function backup(dir, name) {
  // ruleid: chaingate.js.child-process-exec-non-literal
  exec(`tar czf /backups/${name}.tgz ${dir}`);
  // ruleid: chaingate.js.child-process-exec-non-literal
  execSync('rm -rf ' + dir);
  // ok: chaingate.js.child-process-exec-non-literal
  execSync('ls -la /backups');
  // ok: chaingate.js.child-process-exec-non-literal
  execFile('tar', ['czf', `/backups/${name}.tgz`, dir]);
  // ok: chaingate.js.child-process-exec-non-literal
  const label = `backup ${name}`;
  return label;
}
module.exports = { backup };

function matcher(input) {
  // ok: chaingate.js.child-process-exec-non-literal
  return /^v(\d+)/.exec('v' + input);
}
module.exports.matcher = matcher;
