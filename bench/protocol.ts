/** What the orchestrator, the target processes and the load process say to each other over IPC. */
import type { ConnectionMode, LoadResult } from './load-client';
import type { WorkloadId } from './workloads';

/** Where devices push, and where the iSC platform posts (kept here so targets need not load the simulator). */
export const PUSH_PATH = '/hikvision';
/**
 * Where the http-in flow takes bare XML: with file uploads on, Node-RED 4.1's `http in` hands a
 * non-multipart, non-JSON body over as `{}` (multer marks the body read), so an integrator adds a
 * second `http in` without uploads for the cameras that post XML.
 */
export const HTTP_IN_XML_PATH = '/hikvision/xml';
export const ISC_PATH = '/isc/events';
/** The simulated device's login for the alertStream row. */
export const STREAM_DEVICE_PASSWORD = 'bench-stream-pw';

export const TARGETS = ['bare', 'node-red-http-in', 'this'] as const;
/** `core`, on request only: the listener's push route without Node-RED, to tell their costs apart. */
export const EXTRA_TARGETS = ['core'] as const;
export type TargetKind = (typeof TARGETS)[number] | (typeof EXTRA_TARGETS)[number];

/** A target's start arguments (JSON in argv[2]). */
export interface TargetArgs {
  kind: TargetKind;
  pushPort: number;
  iscPort: number;
  platformPort: number | null;
  appKey: string;
  appSecret: string;
  /** The listener's picture setting (`buffer`, the default, keeps them; `none` skips them). */
  images: 'buffer' | 'none';
  /** `this` only: also read the alertStream of the simulated device on this port (alert-stream node). */
  streamPort?: number;
}

export interface TargetStats {
  /** Events that reached the flow's counter (bare: bodies read). */
  delivered: number;
  rss: number;
  peakRss: number;
  /** CPU time the process used so far (user + system), microseconds. */
  cpuMicros: number;
  /** Node-RED warnings and errors logged since start, with the first few texts. */
  problems: number;
  problemSamples: string[];
}

export type TargetMessage = { type: 'ready' } | { type: 'failed'; error: string } | ({ type: 'stats' } & TargetStats);
export interface TargetCommand { cmd: 'stats'; resetPeak: boolean }

export interface LoadCommand {
  port: number;
  /** Overrides the workload's path. */
  path?: string;
  workload: WorkloadId;
  connections: number;
  mode: ConnectionMode;
  durationMs: number;
  /** A burst: each connection sends this many requests, then stops. */
  requestsPerConnection?: number;
}

export type LoadReply = { ok: true; result: LoadResult } | { ok: false; error: string };
