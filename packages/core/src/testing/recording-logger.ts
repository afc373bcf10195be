import { pino } from 'pino';
import type { Logger, LogLevel } from '../kernel/logger.js';


/** One line a logger wrote, as parsed JSON: pino's `level` (by name), `msg`, and the fields. */
export interface RecordedLogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose lines are kept, parsed, in `lines`, for tests that check what was logged. */
export function createRecordingLogger(level: LogLevel = 'debug'): Logger & { readonly lines: RecordedLogLine[] } {
  const lines: RecordedLogLine[] = [];
  const logger = pino({ level, base: null, formatters: { level: (label) => ({ level: label }) } }, {
    write: (line: string) => {
      lines.push(JSON.parse(line) as RecordedLogLine);
    },
  });
  return Object.assign(logger, { lines });
}
