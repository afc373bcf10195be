import type { JsonObject } from '@agentport/core';

/** The path of the gateway's own MCP endpoint (`routes/mcp.ts`, under the `/v1` prefix). */
const OWN_MCP_PATH = '/v1/mcp';

/**
 * Whether an `mcp` tool's `server_url` is this gateway's own `/v1/mcp`, as the client that
 * sent the request reached it (its `Host`). Clients that insist on a URL for every MCP server
 * (the AI SDK's `openai.tools.mcp`) point it here to get the gateway's own tools.
 */
export function isOwnMcpEndpoint(serverUrl: unknown, requestHost: string | undefined): boolean {
  if (typeof serverUrl !== 'string' || requestHost === undefined) return false;
  let url: URL;
  let host: string;
  try {
    url = new URL(serverUrl);
    // The same normalisation on both sides (case, a default port written out or not).
    host = new URL(`${url.protocol}//${requestHost}`).host;
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.host === host && url.pathname.replace(/\/+$/, '') === OWN_MCP_PATH && url.search === '';
}

/**
 * The tool as if it named its server by label only: the gateway serves it in process (the
 * built-in tools' label or a hosted server's), so no call goes out over HTTP and the caller's
 * credentials are not sent anywhere.
 */
export function servedInProcess(config: JsonObject): JsonObject {
  const { server_url: _url, headers: _headers, authorization: _authorization, ...rest } = config;
  return rest;
}
