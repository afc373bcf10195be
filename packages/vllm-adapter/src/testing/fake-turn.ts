import type { ChatStreamRecording } from './chat-stream-recording.js';

/**
 * One piece of a scripted answer, played in order. `text`, `reasoning`, `tool-call`,
 * `tool-call-raw`, `structured-output` and `delay` have the shapes of core's `ScriptedPart`,
 * so a test can script the fake server and `ScriptedModel` alike.
 */
export type FakePart =
  /** `content` deltas: `chunks` even pieces, else one per word (whitespace kept). */
  | { type: 'text'; text: string; chunks?: number }
  /** Reasoning deltas in vLLM's `reasoning` field, the older `reasoning_content`, or both (as some versions send). */
  | { type: 'reasoning'; text: string; chunks?: number; field?: 'reasoning' | 'reasoning_content' | 'both' }
  /** A tool call: a first fragment with id and name, then `JSON.stringify(input)` in `chunks` fragments (default 3). */
  | { type: 'tool-call'; name: string; input: unknown; id?: string; chunks?: number }
  /** A tool call with raw argument text (possibly broken JSON), in `chunks` fragments (default 1). */
  | { type: 'tool-call-raw'; name: string; arguments: string; id?: string; chunks?: number }
  /** `JSON.stringify(value)` as content, in two deltas: what vLLM sends under `response_format`. */
  | { type: 'structured-output'; value: unknown }
  /** A pause between two chunks. */
  | { type: 'delay'; ms: number }
  /** An SSE comment line (`: ping`), which clients must skip. */
  | { type: 'comment'; text?: string }
  /** An SSE `data` payload sent verbatim, e.g. broken JSON. */
  | { type: 'raw'; data: string }
  /** vLLM's in-stream error object, `data: {"error":{…}}`, sent when generation fails mid-way. */
  | { type: 'stream-error'; message: string; code?: number };

export type FakeFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * How the stream ends after its parts:
 * - `complete`: finish reason, usage (when asked for), `[DONE]`;
 * - `cut`: the socket is destroyed, no finish reason (the server died);
 * - `hang`: the connection stays open and nothing more comes;
 * - `done-without-finish`: `[DONE]` with no finish reason before it;
 * - `end`: the body just ends, for `raw` parts that bring their own finish chunk and `[DONE]`.
 */
export type FakeEnding = 'complete' | 'cut' | 'hang' | 'done-without-finish' | 'end';

export interface FakeTiming {
  /** Wait before the response head (the first byte). */
  firstByteDelayMs?: number;
  /** Wait before each chunk after the first. */
  chunkDelayMs?: number;
}

/** A scripted answer, streamed or as one JSON body, as the request asks. Same shape as core's `ScriptedStep` where they overlap. */
export interface FakeReply {
  type?: 'reply';
  parts: FakePart[];
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  finish?: FakeFinishReason;
  /** Default: 10 prompt tokens, one completion token per chunk. */
  usage?: { inputTokens?: number; outputTokens?: number; cachedInputTokens?: number; reasoningTokens?: number };
  timing?: FakeTiming;
  ending?: FakeEnding;
}

/** An HTTP error with vLLM's error body. */
export interface FakeErrorTurn {
  type: 'error';
  status: number;
  message: string;
  /** vLLM's error type; default from the status (`BadRequestError`, `NotFoundError`, …). */
  errorType?: string;
  /** `error-object` (`{"error":{…}}`, current vLLM, default) or `legacy` (`{"object":"error",…}`, older vLLM). */
  format?: 'error-object' | 'legacy';
  timing?: Pick<FakeTiming, 'firstByteDelayMs'>;
}

/** A recorded real exchange (`../shared/fixtures/chat-streams/*.json`), played back as recorded. */
export interface FakeReplayTurn {
  type: 'replay';
  recording: ChatStreamRecording;
  timing?: FakeTiming;
}

/** `count` content tokens at a set pace, for benchmarks. */
export interface FakeTokensTurn {
  type: 'tokens';
  count: number;
  /** The text of every token; default ` tok`. */
  token?: string;
  /** Pause between tokens; 0 (default) sends as fast as the client reads. */
  intervalMs?: number;
}

export type FakeTurn = FakeReply | FakeErrorTurn | FakeReplayTurn | FakeTokensTurn;
