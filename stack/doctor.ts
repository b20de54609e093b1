import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { allNodes, type NodeSpec } from './layout.js';
import { nodeAnswers } from './probes.js';
import { findJava, isPortFree, requireMaven, which } from './prerequisites.js';

/** One check of `npm run doctor`: what was looked at, what was found, and the fix when it fails. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** A problem that blocks the first run (false: only a warning). */
  blocking: boolean;
  found: string;
  fix?: string;
}

/** Where the doctor looks; defaults for a clone beside `shared/`. */
export interface DoctorOptions {
  /** The project's root (for the disk check and the recorded data path). */
  root: string;
  /** The recorded data set (default `<root>/../shared/data`). */
  dataDir?: string;
}

const GiB = 1024 ** 3;

/** Runs every check of a machine before the first `npm start`, `npm run demo` or `npm test`. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    nodeCheck(),
    javaCheck(),
    mavenCheck(),
    commandCheck('redis-server', 'apt-get install -y redis-server (npm run stack -- up does it when run as root)', false),
  ];
  checks.push(commandCheck('unzip', 'apt-get install -y unzip', true));
  checks.push(commandCheck('chromium', 'apt-get install -y chromium (browser tests only)', false));
  checks.push(commandCheck('faketime', 'apt-get install -y faketime (the clock fault scenario only)', false));
  checks.push(...(await portChecks()));
  checks.push(diskCheck(options.root), memoryCheck(), mapCountCheck(), dataCheck(options.dataDir ?? join(options.root, '..', 'shared', 'data')));
  return checks;
}

function nodeCheck(): DoctorCheck {
  const major = Number(process.versions.node.split('.')[0]);
  return { name: 'node', ok: major >= 20, blocking: true, found: `v${process.versions.node}`, fix: 'install Node.js 20 (or newer) and put it first on PATH' };
}

function javaCheck(): DoctorCheck {
  try {
    const java = findJava();
    return { name: 'java', ok: true, blocking: true, found: `${java.major} (${java.javaHome})` };
  } catch (err) {
    return {
      name: 'java',
      ok: false,
      blocking: true,
      found: err instanceof Error ? err.message : String(err),
      fix: 'apt-get install -y openjdk-17-jdk-headless',
    };
  }
}

function mavenCheck(): DoctorCheck {
  try {
    const mvn = requireMaven();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Maven colours its banner with ANSI escapes
    const banner = execFileSync(mvn, ['-v'], { encoding: 'utf8' }).replace(/\u001b\[[0-9;]*m/g, '');
    const version = /Apache Maven (\S+)/.exec(banner)?.[1] ?? 'unknown version';
    return { name: 'maven', ok: true, blocking: true, found: `${version} (${mvn})` };
  } catch (err) {
    return { name: 'maven', ok: false, blocking: true, found: err instanceof Error ? err.message : String(err), fix: 'apt-get install -y maven' };
  }
}

function commandCheck(command: string, fix: string, blocking: boolean): DoctorCheck {
  const path = which(command);
  return { name: command, ok: path !== undefined, blocking, found: path ?? 'not on PATH', fix };
}

/** Each port of the stack is free, or answered by the project's own stack already running. */
async function portChecks(): Promise<DoctorCheck[]> {
  const ports: { node: NodeSpec; port: number }[] = allNodes().flatMap((node) => [
    { node, port: node.port },
    ...(node.peerPort === undefined ? [] : [{ node, port: node.peerPort }]),
  ]);
  return Promise.all(
    ports.map(async ({ node, port }) => {
      if (await isPortFree(port)) return { name: `port ${port}`, ok: true, blocking: true, found: `free (for ${node.id})` };
      const ours = await nodeAnswers(node);
      return {
        name: `port ${port}`,
        ok: ours,
        blocking: true,
        found: ours ? `in use by ${node.id} of a running stack` : `taken by another program (needed by ${node.id})`,
        fix: `stop what listens on ${port} (ss -ltnp 'sport = :${port}')`,
      };
    }),
  );
}

function diskCheck(root: string): DoctorCheck {
  const fs = statfsSync(root);
  const free = (fs.bavail * fs.bsize) / GiB;
  return {
    name: 'disk',
    ok: free >= 5,
    blocking: true,
    found: `${free.toFixed(1)} GiB free`,
    fix: 'free at least 5 GiB: the stack downloads ~150 MB and Kafka and Elasticsearch keep their data in .run/',
  };
}

function memoryCheck(): DoctorCheck {
  const total = totalmem() / GiB;
  return {
    name: 'memory',
    ok: total >= 8,
    blocking: false,
    found: `${total.toFixed(1)} GiB`,
    fix: 'the stack uses 3.5-4.5 GB resident and the pipeline ~0.5 GB: 8 GiB or more',
  };
}

function mapCountCheck(): DoctorCheck {
  const file = '/proc/sys/vm/max_map_count';
  const value = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : Number.NaN;
  return {
    name: 'vm.max_map_count',
    ok: value >= 262_144,
    blocking: false,
    found: Number.isNaN(value) ? 'unknown' : String(value),
    fix: 'sysctl -w vm.max_map_count=262144 (Elasticsearch asks for it; on 127.0.0.1 it only warns)',
  };
}

function dataCheck(dataDir: string): DoctorCheck {
  const needed = ['expected/ground_truth.json', 'blocks/raw', 'prices/btc_eur_points.ndjson', 'pools/pools-v2.json'];
  const missing = needed.filter((p) => !existsSync(join(dataDir, p)));
  return {
    name: 'recorded data',
    ok: missing.length === 0,
    blocking: false,
    found: missing.length === 0 ? dataDir : `${dataDir}: missing ${missing.join(', ')}`,
    fix: 'put the recorded data set beside the clone as ../shared/data (the e2e tests read it; npm run demo defaults to data/sample)',
  };
}
