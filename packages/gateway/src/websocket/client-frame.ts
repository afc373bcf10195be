import { invalidRequest } from '../errors.js';
import { FieldReader } from '../request/field-reader.js';

/** `response.create`: the body of `POST /v1/responses` (checked when its turn comes) and the envelope fields. */
export interface CreateFrame {
  type: 'response.create';
  /** The request body without the envelope fields. */
  body: Record<string, unknown>;
  /** `generate: false` is a prewarm: no model call. */
  generate: boolean;
  /** Opt-in: a client tool call waits for `tool_result.submit` inside the response, and step events are sent. */
  clientToolLoop: boolean;
  /** Echoed on every frame of this response. */
  streamId: string | undefined;
}

export interface CancelFrame {
  type: 'response.cancel';
  /** When given, only that response is cancelled. */
  responseId: string | undefined;
}

/** Codex acknowledges a finished response; nothing to do. */
export interface ProcessedFrame {
  type: 'response.processed';
}

export interface ToolResultFrame {
  type: 'tool_result.submit';
  /** When given, must be the running response. */
  responseId: string | undefined;
  callId: string;
  output: string;
}

export type ClientFrame = CreateFrame | CancelFrame | ProcessedFrame | ToolResultFrame;

/** Fields of `response.create` that are not part of the request body. `stream` is implied. */
const ENVELOPE_FIELDS = new Set(['type', 'generate', 'client_tool_loop', 'stream_id', 'stream']);

/** Parses one text frame; a bad one is an `ApiError` (sent as an error frame, the connection stays open). */
export function parseClientFrame(text: string): ClientFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(null, `The frame is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 'invalid_json');
  }
  const frame = FieldReader.root(json);
  const type = frame.string('type', { required: true, nonEmpty: true });
  switch (type) {
    case 'response.create':
      return parseCreate(frame, json as Record<string, unknown>);
    case 'response.cancel':
      return { type, responseId: frame.string('response_id', { nonEmpty: true }) };
    case 'response.processed':
      return { type };
    case 'tool_result.submit':
      return {
        type,
        responseId: frame.string('response_id', { nonEmpty: true }),
        callId: frame.string('call_id', { required: true, nonEmpty: true }),
        output: toolOutput(frame),
      };
    default:
      throw invalidRequest('type', `Unknown frame type '${type}': expected 'response.create', 'response.cancel', 'response.processed' or 'tool_result.submit'.`, 'unknown_frame_type');
  }
}

function parseCreate(frame: FieldReader, json: Record<string, unknown>): CreateFrame {
  if (frame.boolean('background')) {
    throw invalidRequest('background', "'background' is not supported over WebSocket: a response runs while its connection is open.");
  }
  const streamId = frame.string('stream_id', { nonEmpty: true, maxLength: 256 });
  const body = Object.fromEntries(Object.entries(json).filter(([key]) => !ENVELOPE_FIELDS.has(key)));
  return {
    type: 'response.create',
    body,
    generate: frame.boolean('generate') ?? true,
    clientToolLoop: frame.boolean('client_tool_loop') ?? false,
    streamId,
  };
}

/** A string as sent; any other JSON value is passed to the model as its JSON text. */
function toolOutput(frame: FieldReader): string {
  if (!frame.has('output')) throw invalidRequest('output', "Missing required parameter: 'output'.", 'missing_required_parameter');
  const output = frame.raw('output');
  return typeof output === 'string' ? output : JSON.stringify(output);
}
