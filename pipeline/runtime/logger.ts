import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the root logger of a process. Child loggers carry bindings such as
 * `{ component, task }`; messages are constant lowercase text with values in fields.
 */
export function createLogger(options: { name: string; level?: string }): Logger {
  return pino({
    name: options.name,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
  });
}
