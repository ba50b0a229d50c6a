/**
 * CPU time used by the processes of one `wrangler dev` (its process group), read
 * from /proc, split by role, to show where a request's CPU goes locally:
 *
 * - `runtime`: the workerd that runs the worker (what a deployment also pays,
 *   plus miniflare's own entry code);
 * - `devProxy`: the workerd that wrangler puts in front of it on the public port
 *   (its ProxyWorker; not there when deployed);
 * - `wrangler`: wrangler's Node processes, which among other things relay the
 *   worker's log lines (the worker logs one line per request).
 *
 * Linux only: elsewhere it answers null and the bench prints no split.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond;

/**
 * @param {number} publicPort the port wrangler dev listens on; its dev proxy's
 *   workerd names it, and that process's group is the whole wrangler dev
 * @returns {{ runtime: number, devProxy: number, wrangler: number } | null} CPU seconds
 */
export function groupCpuSeconds(publicPort) {
  if (process.platform !== 'linux') return null;
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  const processes = readProcesses();
  const isProxy = (p) =>
    /workerd$/.test(p.cmdline[0]) && p.cmdline.some((a) => a.endsWith(`=127.0.0.1:${publicPort}`));
  const proxy = processes.find(isProxy);
  if (!proxy) return null;
  const totals = { runtime: 0, devProxy: 0, wrangler: 0 };
  for (const p of processes.filter((p) => p.group === proxy.group)) {
    const role = isProxy(p) ? 'devProxy' : /workerd$/.test(p.cmdline[0]) ? 'runtime' : 'wrangler';
    totals[role] += p.cpuSeconds;
  }
  return totals;
}

function readProcesses() {
  const processes = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      // Fields after the command name (which may hold spaces) start at `state`.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.push({
        group: Number(fields[2]),
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond,
        cmdline,
      });
    } catch {
      // Gone meanwhile.
    }
  }
  return processes;
}
