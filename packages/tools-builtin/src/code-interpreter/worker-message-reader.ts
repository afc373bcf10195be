import type { CellOutcome, WorkerMessage } from './worker-protocol.js';

/** What reading one chunk of the worker's stdout produced. */
export type ReadResult =
  | { kind: 'messages'; messages: WorkerMessage[] }
  /** A line longer than the limit: the worker is not speaking the protocol (or is flooding it). */
  | { kind: 'oversized'; chars: number };

/**
 * Splits a worker's stdout into messages. The worker runs untrusted code that can write to the
 * same pipe, so a line that is not a well-formed message is dropped, and a line past
 * `maxLineChars` is reported instead of buffered without bound.
 */
export class WorkerMessageReader {
  private partial = '';

  constructor(private readonly maxLineChars: number) {}

  read(chunk: string): ReadResult {
    this.partial += chunk;
    const messages: WorkerMessage[] = [];
    for (let end = this.partial.indexOf('\n'); end >= 0; end = this.partial.indexOf('\n')) {
      const line = this.partial.slice(0, end);
      this.partial = this.partial.slice(end + 1);
      if (line.length > this.maxLineChars) return { kind: 'oversized', chars: line.length };
      const message = parseWorkerMessage(line);
      if (message) messages.push(message);
    }
    if (this.partial.length > this.maxLineChars) return { kind: 'oversized', chars: this.partial.length };
    return { kind: 'messages', messages };
  }
}

export function parseWorkerMessage(line: string): WorkerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return typeof value.python === 'string' && typeof value.rssBytes === 'number'
        ? { type: 'ready', python: value.python, rssBytes: value.rssBytes }
        : undefined;
    case 'output':
      return typeof value.id === 'number' && (value.stream === 'stdout' || value.stream === 'stderr') && typeof value.text === 'string'
        ? { type: 'output', id: value.id, stream: value.stream, text: value.text }
        : undefined;
    case 'result': {
      const outcome = parseOutcome(value.outcome);
      return typeof value.id === 'number' && outcome && typeof value.droppedChars === 'number' && typeof value.timedOut === 'boolean'
        ? { type: 'result', id: value.id, outcome, droppedChars: Math.max(0, value.droppedChars), timedOut: value.timedOut }
        : undefined;
    }
    case 'crash':
      return typeof value.message === 'string' ? { type: 'crash', message: value.message } : undefined;
    default:
      return undefined;
  }
}

function parseOutcome(value: unknown): CellOutcome | undefined {
  if (!isRecord(value)) return undefined;
  if (value.kind === 'value' && (typeof value.value === 'string' || value.value === null)) return { kind: 'value', value: value.value };
  if (value.kind === 'exception' && typeof value.traceback === 'string') return { kind: 'exception', traceback: value.traceback };
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
