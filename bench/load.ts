/**
 * The load process: runs one load after another as the bench orchestrator asks over IPC, so the
 * client never shares a process (or its CPU time) with the target it measures.
 */
import { runLoad } from './load-client';
import type { LoadCommand, LoadReply } from './protocol';
import { buildWorkload, type Workload, type WorkloadId } from './workloads';

const workloads = new Map<WorkloadId, Workload>();

function workload(id: WorkloadId): Workload {
  let built = workloads.get(id);
  if (!built) {
    built = buildWorkload(id);
    workloads.set(id, built);
  }
  return built;
}

function reply(message: LoadReply): void {
  process.send?.(message);
}

process.on('message', (command: LoadCommand) => {
  const w = workload(command.workload);
  runLoad({ port: command.port, path: command.path ?? w.path, requests: w.requests, connections: command.connections, mode: command.mode, durationMs: command.durationMs,
    requestsPerConnection: command.requestsPerConnection })
    .then((result) => reply({ ok: true, result }), (err: unknown) => reply({ ok: false, error: String(err) }));
});
process.on('disconnect', () => process.exit(0));
