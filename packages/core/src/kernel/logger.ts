import { type BaseLogger, type Bindings, type ChildLoggerOptions, type DestinationStream, pino } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * The logger every package writes to: a pino logger (the shape fastify takes as its
 * `loggerInstance`), so every line of a process has one format. Fields first, message last:
 * `logger.warn({ tenant }, 'closing a slow WebSocket')`. A plugin gets a child named after it.
 */
export interface Logger extends Pick<BaseLogger, 'level' | 'info' | 'error' | 'debug' | 'fatal' | 'warn' | 'trace' | 'silent'> {
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger;
}

/** Whether a line at `level` would be written (for work done only to log, such as fastify's per-request lines). */
export function isLevelEnabled(logger: Logger, level: Exclude<LogLevel, 'silent'>): boolean {
  const current = LOG_LEVELS.indexOf(logger.level as LogLevel);
  return current !== -1 && current <= LOG_LEVELS.indexOf(level);
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go: JSON lines on stdout when absent (a pretty printer is the CLI's choice). */
  destination?: DestinationStream;
  /** Fields on every line (e.g. `{ name: 'agentport' }`). */
  base?: Record<string, unknown>;
}

/** A root logger: JSON lines with `level`, `time` and `msg`, errors under `err`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    base: options.base ?? { name: 'agentport' },
    // Levels by name, not pino's numbers: lines read the same in JSON and to a person.
    formatters: { level: (label) => ({ level: label }) },
  }, options.destination ?? pino.destination(1));
}

export const silentLogger: Logger = pino({ level: 'silent' });
