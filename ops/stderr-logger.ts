import { pino, type Logger } from 'pino';

/**
 * The logger of an operations command whose stdout is its report (`--json` must stay parseable):
 * the same settings as the runtime's `createLogger`, written to stderr.
 */
export function stderrLogger(name: string, level: string): Logger {
  return pino(
    { name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, serializers: { err: pino.stdSerializers.err } },
    pino.destination(2),
  );
}
