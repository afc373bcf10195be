import type { ToolContext } from '@agentport/core';
import { ArgumentReader } from '../builtin-server/argument-reader.js';
import type { BuiltinTool } from '../builtin-server/builtin-tool.js';
import type { HttpGetClient, HttpGetLimits, HttpGetResponse } from './http-get-client.js';

export const HTTP_GET_TOOL_NAME = 'http_get';

const MAX_URL_CHARS = 8_192;

/** The `http_get` tool: fetches one URL and returns the status, the content type and the text. */
export function httpGetTool(client: HttpGetClient, limits: HttpGetLimits): BuiltinTool {
  return {
    name: HTTP_GET_TOOL_NAME,
    readOnly: true,
    description: 'Fetches a web page or file with an HTTP GET (http or https) and returns its status, content type and text. '
      + `Only public addresses; binary content is summarized, not returned. Limits: ${Math.round(limits.timeoutMs / 1000)} s, `
      + `${limits.maxResponseBytes} bytes, ${limits.maxRedirects} redirects.`,
    parameters: {
      type: 'object',
      properties: { url: { type: 'string', description: 'The absolute http or https URL to fetch.' } },
      required: ['url'],
      additionalProperties: false,
    },
    async call(input: unknown, ctx: ToolContext): Promise<string> {
      const url = new ArgumentReader(HTTP_GET_TOOL_NAME, input).string('url', { maxLength: MAX_URL_CHARS });
      return describeResponse(await client.get(url, ctx.signal), limits.maxResponseBytes);
    },
  };
}

function describeResponse(response: HttpGetResponse, maxResponseBytes: number): string {
  const lines = [`GET ${response.url} -> ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`];
  lines.push(`content-type: ${response.contentType ?? '(none)'}`);
  for (const from of response.redirectedFrom) lines.push(`redirected from: ${from}`);
  lines.push('');
  const { body } = response;
  if (body.kind === 'binary') {
    lines.push(`[binary content${body.bytes === undefined ? '' : ` of ${body.bytes} bytes`} not shown; only text is returned]`);
  } else {
    lines.push(body.text);
    if (body.truncated) lines.push(`[body cut at ${maxResponseBytes} bytes]`);
  }
  return lines.join('\n');
}
