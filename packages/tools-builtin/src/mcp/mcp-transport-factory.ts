import type { Logger } from '@agentport/core';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerDefinition } from './mcp-server-definition.js';

/** Characters of a stdio server's stderr kept to explain why it failed. */
const STDERR_TAIL_CHARS = 2_000;

/** A client-side transport to one server, not yet started (the SDK's `Client.connect` starts it). */
export interface OpenedTransport {
  transport: Transport;
  /** The end of what a stdio server wrote to stderr, to say why it stopped. */
  stderrTail(): string;
  /** Releases what the transport does not own (the in-process server). */
  release(): Promise<void>;
}

/** Makes the transport of a definition: a fresh one for every (re)connection. */
export async function openMcpTransport(definition: McpServerDefinition, logger: Logger): Promise<OpenedTransport> {
  switch (definition.transport) {
    case 'streamable_http': {
      const transport = new StreamableHTTPClientTransport(definition.url, { requestInit: { headers: definition.headers } });
      return { transport, stderrTail: () => '', release: async () => undefined };
    }
    case 'stdio': {
      const transport = new StdioClientTransport({
        command: definition.command,
        args: definition.args,
        env: definition.env,
        ...(definition.cwd === undefined ? {} : { cwd: definition.cwd }),
        // Piped and read, never inherited: a chatty server neither fills the gateway's log nor blocks on a full pipe.
        stderr: 'pipe',
      });
      let tail = '';
      transport.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        tail = (tail + text).slice(-STDERR_TAIL_CHARS);
        logger.debug({ server: definition.label, text: text.trimEnd() }, 'MCP server stderr');
      });
      return { transport, stderrTail: () => tail.trim(), release: async () => undefined };
    }
    case 'in_process': {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = definition.createServer();
      await server.connect(serverSide);
      return { transport: clientSide, stderrTail: () => '', release: () => server.close() };
    }
  }
}
