import type { CpuProfile } from '../pipeline/runtime/index.js';

/** A share of the workers' busy time. */
export interface ProfileShare {
  name: string;
  /** Share of the busy samples (0-1): every sample but `(idle)`. */
  share: number;
}

/** Where the workers' CPU went while they were profiled (bench/results.json `workerProfile`). */
export interface WorkerProfileSummary {
  workers: number;
  /** Length of each worker's profile. */
  seconds: number;
  /** Share of the profiled time the workers' main threads were busy (0-1, over all of them). */
  busyShare: number;
  /** Busy time by package (node_modules), project directory (the worker bundle's modules) or V8 bucket, largest first. */
  groups: ProfileShare[];
  /** The functions with the most self time, largest first (`name` is `function (where)`). */
  functions: ProfileShare[];
}

/** First line (0-based) of each module of the worker bundle, in order. */
export type BundleModules = readonly { line: number; path: string }[];

/**
 * The modules of an esbuild bundle: esbuild starts each one with a `// <path>` comment line.
 * Only the project's own files are in the worker bundle; its packages stay in node_modules.
 */
export function bundleModules(bundleText: string): BundleModules {
  const modules: { line: number; path: string }[] = [];
  bundleText.split('\n').forEach((text, line) => {
    const m = /^\/\/ ((?:[\w.-]+\/)+[\w.-]+\.[cm]?[jt]s)$/.exec(text);
    if (m?.[1] !== undefined) modules.push({ line, path: m[1] });
  });
  return modules;
}

/** Top rows kept of each table; the rest are summed into `other`. */
const TOP_GROUPS = 12;
const TOP_FUNCTIONS = 15;

/**
 * Sums the self time of each sample of `profiles` (V8 CPU profiles of the workers over the same
 * window) by where its function lives: a package under node_modules, a directory of the project
 * (code in `bundlePath`, located by `modules`), Node's own JavaScript (`node:` URLs), garbage
 * collection, and code without a URL: built-ins (`JSON.parse`, buffer copies), native calls, code
 * compiled at run time (`new Function`, as zod's parsers) and V8's `(program)`.
 */
export function summarizeCpuProfiles(profiles: readonly CpuProfile[], seconds: number, bundlePath: string, modules: BundleModules): WorkerProfileSummary {
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    samples.forEach((id, i) => {
      const node = byId.get(id);
      const micros = Math.max(0, deltas[i] ?? 0);
      if (node === undefined) return;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') {
        idle += micros;
        return;
      }
      busy += micros;
      const where = locate(functionName, url, lineNumber, bundlePath, modules);
      groups.set(where.group, (groups.get(where.group) ?? 0) + micros);
      const fn = `${functionName || '(anonymous)'} (${where.file})`;
      functions.set(fn, (functions.get(fn) ?? 0) + micros);
    });
  }
  return {
    workers: profiles.length,
    seconds,
    busyShare: busy + idle === 0 ? 0 : busy / (busy + idle),
    groups: topShares(groups, busy, TOP_GROUPS),
    functions: topShares(functions, busy, TOP_FUNCTIONS),
  };
}

function locate(functionName: string, url: string, line: number, bundlePath: string, modules: BundleModules): { group: string; file: string } {
  if (functionName === '(garbage collector)') return { group: 'garbage collection', file: 'V8' };
  if (url === '') return { group: 'built-ins, native and generated code', file: 'native' };
  if (url.startsWith('node:')) return { group: "Node's JavaScript", file: url };
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg?.[1] !== undefined) return { group: pkg[1], file: `${pkg[1]}/${pkg[2]}` };
  if (url.endsWith(bundlePath)) {
    let path = '(bundle)';
    for (const m of modules) {
      if (m.line > line) break;
      path = m.path;
    }
    return { group: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : path, file: path };
  }
  return { group: 'other', file: url };
}

function topShares(micros: Map<string, number>, busy: number, top: number): ProfileShare[] {
  const sorted = [...micros].sort((a, b) => b[1] - a[1]);
  const rows = sorted.slice(0, top).map(([name, us]) => ({ name, share: busy === 0 ? 0 : us / busy }));
  const rest = sorted.slice(top).reduce((sum, [, us]) => sum + us, 0);
  if (rest > 0) rows.push({ name: 'other', share: rest / busy });
  return rows;
}
