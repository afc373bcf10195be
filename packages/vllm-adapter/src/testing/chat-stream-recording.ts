import { readFile } from 'node:fs/promises';

/**
 * A recorded chat-completions exchange, as stored in `../shared/fixtures/chat-streams/`:
 * the request a gateway sent and the server's answer, SSE text or a JSON body.
 */
export interface ChatStreamRecording {
  recorded_from?: string;
  request: { method: string; path: string; body: Record<string, unknown> };
  response: { status: number; headers: Record<string, string>; sse?: string; body?: unknown };
}

/** Reads and checks one recording file. */
export async function loadChatStreamRecording(file: string): Promise<ChatStreamRecording> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isRecording(parsed)) throw new Error(`${file} is not a chat-stream recording ({request, response: {status, sse | body}})`);
  return parsed;
}

function isRecording(value: unknown): value is ChatStreamRecording {
  if (typeof value !== 'object' || value === null) return false;
  const { request, response } = value as { request?: unknown; response?: unknown };
  if (typeof request !== 'object' || request === null || typeof response !== 'object' || response === null) return false;
  const { status, sse, body } = response as { status?: unknown; sse?: unknown; body?: unknown };
  return typeof status === 'number' && (typeof sse === 'string' || body !== undefined);
}

/** The SSE text split into its events, each with its blank-line terminator, to be sent one by one. */
export function splitSseEvents(sse: string): string[] {
  return sse.split(/(?<=\n\n)/).filter((event) => event !== '');
}
