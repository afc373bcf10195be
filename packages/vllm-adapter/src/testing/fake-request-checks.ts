/** A request the fake server refuses, with the status and wording vLLM uses. */
export interface VllmRejection {
  status: number;
  message: string;
  type: string;
  param?: string;
}

export interface RequestCheckOptions {
  servedModels: readonly string[];
  /** vLLM started with `--enable-auto-tool-choice --tool-call-parser …`. */
  autoToolChoice: boolean;
}

const REMOVED_GUIDED_FIELD = /^guided_/;

/**
 * The checks vLLM's `ChatCompletionRequest` validators and its serving layer make, in their
 * order. One is stricter than vLLM: the removed `guided_*` fields, which vLLM ignores
 * silently, are refused so a test notices a client that still sends them.
 */
export function checkChatRequest(body: unknown, options: RequestCheckOptions): VllmRejection | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badRequest('the request body must be a JSON object');
  }
  const request = body as Record<string, unknown>;
  if (!Array.isArray(request.messages)) return badRequest("Field required: 'messages'", 'messages');
  if (typeof request.model !== 'string') return badRequest("Field required: 'model'", 'model');
  if (request.stream_options !== undefined && request.stream_options !== null && request.stream !== true) {
    return badRequest('Stream options can only be defined when `stream=True`.', 'stream_options');
  }
  const tools = request.tools;
  if (Array.isArray(tools) && tools.length === 0) return badRequest('`tools` must not be an empty list.', 'tools');
  const toolChoice = request.tool_choice;
  if (toolChoice !== undefined && toolChoice !== null && toolChoice !== 'none' && (tools === undefined || tools === null)) {
    return badRequest('When using `tool_choice`, `tools` must be set.', 'tool_choice');
  }
  if (typeof toolChoice === 'object' && toolChoice !== null) {
    const name = (toolChoice as { function?: { name?: unknown } }).function?.name;
    const offered = Array.isArray(tools) ? tools.map((tool: unknown) => (tool as { function?: { name?: unknown } }).function?.name) : [];
    if (!offered.includes(name)) {
      return badRequest('The tool specified in `tool_choice` does not match any of the specified `tools`', 'tool_choice');
    }
  }
  const guided = Object.keys(request).filter((key) => REMOVED_GUIDED_FIELD.test(key));
  if (guided.length > 0) {
    return badRequest(
      `FakeVllmServer refuses the removed guided-decoding field(s) ${guided.join(', ')}: vLLM >= 0.12 ignores them and the output is NOT constrained`,
      guided[0],
    );
  }
  if (!options.servedModels.includes(request.model)) {
    return { status: 404, message: `The model \`${request.model}\` does not exist.`, type: 'NotFoundError', param: 'model' };
  }
  const usesAuto = Array.isArray(tools) && tools.length > 0 && (toolChoice === undefined || toolChoice === null || toolChoice === 'auto');
  if (usesAuto && !options.autoToolChoice) {
    return badRequest('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
  }
  return undefined;
}

function badRequest(message: string, param?: string): VllmRejection {
  const rejection: VllmRejection = { status: 400, message, type: 'BadRequestError' };
  if (param !== undefined) rejection.param = param;
  return rejection;
}

/** vLLM's error type names by status. */
export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequestError';
    case 401:
      return 'AuthenticationError';
    case 404:
      return 'NotFoundError';
    case 429:
      return 'RateLimitError';
    case 503:
      return 'ServiceUnavailableError';
    default:
      return status >= 500 ? 'InternalServerError' : 'BadRequestError';
  }
}
