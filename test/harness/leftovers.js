// Processes an editor session left behind: the Python bridge, a request's own
// process, a replay runner or a debugged task (debugpy), started by that
// session's extension host (their environment holds the pass's own log path).
// None may outlive the editor; the harness reports and ends any that do.
'use strict';
const fs = require('fs');

// The fork server and the request processes forked from it share its command line.
const OURS = /covalent_bridge|replay_runner|debugpy|multiprocessing\.forkserver/;

function readProc(pid, file) {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** Pid and command line of each process of ours whose environment has `marker` (NAME=value). */
function processesWith(marker) {
  if (!fs.existsSync('/proc')) return [];
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const command = readProc(entry, 'cmdline').split('\0').join(' ').trim();
    if (!OURS.test(command)) continue;
    if (!readProc(entry, 'environ').split('\0').includes(marker)) continue;
    found.push({ pid: Number(entry), command });
  }
  return found;
}

/** Waits up to `ms` for them to end by themselves; returns (and kills) those still there. */
async function leftoversOf(marker, ms = 8000) {
  const until = Date.now() + ms;
  let left = processesWith(marker);
  while (left.length && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = processesWith(marker);
  }
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return left;
}

module.exports = { leftoversOf, processesWith };
