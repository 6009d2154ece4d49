// Preloaded into a child process (node --import): writes its peak resident set size in bytes to
// the file named by CHAINGATE_TEST_RSS_FILE when it exits, however it exits.
// On Linux the peak is VmHWM from /proc/self/status: getrusage's maxRSS survives execve, so a child
// of a large jest worker (a full run with coverage holds ~450 MB) reported the worker's peak, not its own.
import fs from 'node:fs';
import process from 'node:process';

function peakBytes() {
  try {
    const m = /^VmHWM:\s*(\d+)\s*kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // No procfs (macOS, Windows): fall back to getrusage.
  }
  return process.resourceUsage().maxRSS * 1024;
}

process.on('exit', () => {
  if (process.env.CHAINGATE_TEST_RSS_FILE) fs.writeFileSync(process.env.CHAINGATE_TEST_RSS_FILE, String(peakBytes()));
});
