// Preloaded into a child process (node --import): writes its peak resident set size in bytes to
// the file named by CHAINGATE_TEST_RSS_FILE when it exits, however it exits.
import fs from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  if (process.env.CHAINGATE_TEST_RSS_FILE) fs.writeFileSync(process.env.CHAINGATE_TEST_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
