/** The bench's tables (printed, and written to bench/results.md) and the issue's targets checked against them. */
import os from 'node:os';
import type { ConnectionMode } from './load-client';
import type { TargetKind } from './protocol';
import type { WorkloadId } from './workloads';

export interface Cell {
  target: TargetKind;
  workload: WorkloadId;
  /** A connection mode, or `burst ×N` (one request per connection, N times). */
  mode: ConnectionMode | `burst ×${number}`;
  connections: number;
  eventsPerSec: number;
  p50: number;
  p99: number;
  /** The target's CPU time per request answered, microseconds (steadier than ev/s on a busy machine). */
  cpuPerRequest: number;
  peakRssBytes: number;
  /** Events the flow counted during the cell. */
  delivered: number;
  /** Events in the requests answered 2xx. */
  answered: number;
  non2xx: number;
  errors: number;
  errorSamples: string[];
}

export interface WorkloadInfo {
  id: WorkloadId;
  label: string;
  bodyBytes: number;
  eventsPerRequest: number;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  memoryGb: number;
  loadAverage: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

/** Figures from issue 8 (keep-alive, 10 connections, this 2-core machine). */
export const ISSUE_BASELINE = {
  bare: { json: 70_000, anpr: 18_000 },
  nodeRed: { json: 5_400, anpr: 2_500 },
};

const TARGET_SHORT: Record<TargetKind, string> = { bare: 'bare', 'node-red-http-in': 'http-in', this: 'this', core: 'core' };

function rate(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '–';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

function ms(n: number): string {
  if (Number.isNaN(n)) return '–';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '–' : String(Math.round(bytes / 2 ** 20));
}

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || b === 0) return '–';
  return `${(a / b).toFixed(2)}×`;
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 2 ** 20).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`;
}

function countCheck(cell: Cell | undefined): string {
  if (!cell) return '–';
  const mark = cell.delivered === cell.answered && cell.errors === 0 && cell.non2xx === 0 ? '' : ' ✗';
  return `${cell.delivered}/${cell.answered}${mark}`;
}

function find(cells: Cell[], target: TargetKind, workload: WorkloadId, mode: Cell['mode'], connections: number): Cell | undefined {
  return cells.find((c) => c.target === target && c.workload === workload && c.mode === mode && c.connections === connections);
}

/** One table per workload: a row per (mode, connections), the targets side by side. */
export function workloadTable(info: WorkloadInfo, cells: Cell[], targets: readonly TargetKind[]): string {
  const own = cells.filter((c) => c.workload === info.id);
  const rows = [...new Map(own.map((c) => [`${c.mode}/${c.connections}`, c])).values()];
  const names = targets.map((t) => TARGET_SHORT[t]);
  const lines = [
    `### ${info.label} — ${bytes(info.bodyBytes)} per request${info.eventsPerRequest > 1 ? `, ${info.eventsPerRequest} events` : ''}`,
    '',
    `| connection | conns | ${names.map((n) => `${n} ev/s`).join(' | ')} | this/bare | this/http-in | p50/p99 ms (${names.join(' · ')}) | CPU µs/request (${names.join(' · ')}) | peak RSS MB (${names.join(' · ')}) | delivered/answered (${names.join(' · ')}) |`,
    `|---|--:|${names.map(() => '--:').join('|')}|--:|--:|---|---|---|---|`,
  ];
  for (const row of rows) {
    const byTarget = targets.map((t) => find(own, t, info.id, row.mode, row.connections));
    const get = (t: TargetKind) => byTarget[targets.indexOf(t)];
    lines.push(`| ${row.mode} | ${row.connections} | ${byTarget.map((c) => rate(c?.eventsPerSec)).join(' | ')} | `
      + `${ratio(get('this')?.eventsPerSec, get('bare')?.eventsPerSec)} | ${ratio(get('this')?.eventsPerSec, get('node-red-http-in')?.eventsPerSec)} | `
      + `${byTarget.map((c) => (c ? `${ms(c.p50)}/${ms(c.p99)}` : '–')).join(' · ')} | `
      + `${byTarget.map((c) => (c ? Math.round(c.cpuPerRequest).toString() : '–')).join(' · ')} | `
      + `${byTarget.map((c) => mb(c?.peakRssBytes)).join(' · ')} | ${byTarget.map(countCheck).join(' · ')} |`);
  }
  return lines.join('\n');
}

export interface TargetCheck {
  name: string;
  measured: string;
  goal: string;
  met: boolean | null;
}

/** The issue's goals for this package, judged on keep-alive / 10 connections and the upload run. */
export function checkTargets(cells: Cell[], idleRss: ReadonlyMap<TargetKind, number>): TargetCheck[] {
  const at = (target: TargetKind, workload: WorkloadId) => find(cells, target, workload, 'keep-alive', 10)?.eventsPerSec;
  const checks: TargetCheck[] = [];
  const vsBare = (workload: WorkloadId, label: string) => {
    const mine = at('this', workload);
    const bare = at('bare', workload);
    checks.push({
      name: `${label} ≥ 0.5× bare`,
      measured: `${rate(mine)} vs ${rate(bare)} (${ratio(mine, bare)})`,
      goal: '≥ 0.50×',
      met: mine === undefined || bare === undefined ? null : mine >= 0.5 * bare,
    });
  };
  const vsNodeRed = (workload: WorkloadId, label: string, baseline: number, factor: number) => {
    const mine = at('this', workload);
    const nodeRed = at('node-red-http-in', workload);
    checks.push({
      name: `${label} ≥ ${factor}× Node-RED baseline`,
      measured: `${rate(mine)} (${ratio(mine, baseline)} the issue's ${rate(baseline)}; ${ratio(mine, nodeRed)} http-in measured here)`,
      goal: `≥ ${rate(baseline * factor)}`,
      met: mine === undefined ? null : mine >= factor * baseline,
    });
  };
  vsBare('json-acs', 'JSON');
  vsNodeRed('json-acs', 'JSON', ISSUE_BASELINE.nodeRed.json, 5);
  vsBare('mp-anpr', 'multipart ANPR');
  vsNodeRed('mp-anpr', 'multipart ANPR', ISSUE_BASELINE.nodeRed.anpr, 3);
  const uploads = cells.filter((c) => c.target === 'this' && c.workload === 'upload-1mb');
  const burst = uploads.find((c) => c.mode.startsWith('burst'));
  const sustained = uploads.find((c) => !c.mode.startsWith('burst'));
  const bareBurst = cells.find((c) => c.target === 'bare' && c.workload === 'upload-1mb' && c.mode.startsWith('burst'));
  checks.push({
    name: 'RSS while 200 devices upload 1 MB at once',
    measured: burst
      ? `${mb(burst.peakRssBytes)} MB peak, from ${mb(idleRss.get('this'))} MB idle (bare http: ${mb(bareBurst?.peakRssBytes)} MB from `
        + `${mb(idleRss.get('bare'))} MB; 200 devices uploading without pause: ${mb(sustained?.peakRssBytes)} MB)`
      : '–',
    goal: '< 150 MB',
    met: burst ? burst.peakRssBytes < 150 * 2 ** 20 : null,
  });
  const mine = cells.filter((c) => c.target === 'this');
  const lost = mine.filter((c) => c.delivered !== c.answered || c.errors > 0 || c.non2xx > 0);
  checks.push({
    name: 'zero lost events (this package, every cell)',
    measured: lost.length === 0 ? `${mine.reduce((s, c) => s + c.delivered, 0).toLocaleString('en-US')} events, all delivered`
      : lost.map((c) => `${c.workload} ${c.mode}/${c.connections}: ${c.delivered}/${c.answered}, ${c.errors} errors`).join('; '),
    goal: 'delivered = answered',
    met: mine.length === 0 ? null : lost.length === 0,
  });
  return checks;
}

export function targetsTable(checks: TargetCheck[]): string {
  const lines = ['| goal (keep-alive, 10 connections) | measured | target | met |', '|---|---|---|---|'];
  for (const check of checks) lines.push(`| ${check.name} | ${check.measured} | ${check.goal} | ${check.met === null ? 'not run' : check.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** The issue's figures beside this run's, for the two workloads it names. */
export function baselineTable(cells: Cell[]): string {
  const at = (target: TargetKind, workload: WorkloadId) => find(cells, target, workload, 'keep-alive', 10)?.eventsPerSec;
  return [
    '| keep-alive, 10 connections | bare (issue) | bare (this run) | Node-RED http-in (issue) | Node-RED http-in (this run) | this package |',
    '|---|--:|--:|--:|--:|--:|',
    `| small JSON (access control) | ${rate(ISSUE_BASELINE.bare.json)} | ${rate(at('bare', 'json-acs'))} | ${rate(ISSUE_BASELINE.nodeRed.json)} | ${rate(at('node-red-http-in', 'json-acs'))} | ${rate(at('this', 'json-acs'))} |`,
    `| multipart ANPR | ${rate(ISSUE_BASELINE.bare.anpr)} | ${rate(at('bare', 'mp-anpr'))} | ${rate(ISSUE_BASELINE.nodeRed.anpr)} | ${rate(at('node-red-http-in', 'mp-anpr'))} | ${rate(at('this', 'mp-anpr'))} |`,
  ].join('\n');
}

export function machineLine(m: Machine): string {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, load average at start ${m.loadAverage}`;
}
