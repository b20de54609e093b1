import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { StackError } from './stack-error.js';

/** The absolute path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      execFileSync('test', ['-x', `${dir}/${command}`]);
      return `${dir}/${command}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The Java installation behind `java` on PATH, checked to be version 17 or newer. */
export interface JavaInstall {
  javaBin: string;
  javaHome: string;
  major: number;
}

/** Finds `java` on PATH, resolves its JDK home through symlinks and checks its version. */
export function findJava(): JavaInstall {
  const onPath = which('java');
  if (!onPath) {
    throw new StackError('java not found on PATH', { service: 'java', hint: 'install a JDK 17, e.g. apt-get install -y openjdk-17-jdk-headless' });
  }
  const javaBin = realpathSync(onPath);
  const javaHome = dirname(dirname(javaBin));
  // `java -version` writes to stderr.
  const text = execFileSync('sh', ['-c', '"$0" -version 2>&1', javaBin], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const first = Number(match?.[1] ?? 0);
  const major = first === 1 ? Number(match?.[2] ?? 0) : first;
  if (major < 17) {
    throw new StackError(`java ${major} found, Kafka 3.9 and Elasticsearch 8 need 17 or newer`, { service: 'java', hint: 'put a JDK 17 first on PATH' });
  }
  return { javaBin, javaHome, major };
}

/** Fails with an install hint when Maven is missing (it fetches Kafka and Elasticsearch). */
export function requireMaven(): string {
  const mvn = which('mvn');
  if (!mvn) throw new StackError('mvn not found on PATH', { service: 'maven', hint: 'install Maven, e.g. apt-get install -y maven' });
  return mvn;
}

/** Whether nothing listens on host:port (checked by binding it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolvePromise(true)));
  });
}
