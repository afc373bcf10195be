/**
 * The floor of the hot-path benchmark: a bare pass-through that takes `POST /v1/responses`,
 * opens one chat-completions stream upstream and re-frames each content delta as a
 * `response.output_text.delta` SSE event (one write per upstream read), then one
 * `response.completed`. Nothing else: no store, no validation, no agent loop. It honours
 * backpressure (pauses the upstream read while the client's socket is full).
 *
 *   node bare-proxy-process.ts <upstream /v1 url>
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(`${process.argv[2] ?? ''}/chat/completions`);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
let nextId = 0;

interface BareRequest { model: string; input: string; max_output_tokens?: number }

const server = http.createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/v1/responses') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => proxy(JSON.parse(Buffer.concat(chunks).toString('utf8')) as BareRequest, response));
});

function proxy(body: BareRequest, response: http.ServerResponse): void {
  const itemId = `msg_${(nextId += 1)}`;
  const payload = JSON.stringify({
    model: body.model, messages: [{ role: 'user', content: body.input }], stream: true,
    ...(body.max_output_tokens === undefined ? {} : { max_completion_tokens: body.max_output_tokens }),
  });
  const upstreamRequest = http.request(upstream, {
    method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
  }, (upstreamResponse) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    upstreamResponse.setEncoding('utf8');
    let buffer = '';
    let sequence = 0;
    upstreamResponse.on('data', (text: string) => {
      buffer += text;
      let out = '';
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!event.startsWith('data: ')) continue;
        const data = event.slice(6);
        if (data === '[DONE]') {
          out += `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', sequence_number: sequence++, response: { id: `resp_${itemId}`, status: 'completed' } })}\n\n`;
          continue;
        }
        const delta = (JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content;
        if (!delta) continue;
        out += `event: response.output_text.delta\ndata: ${JSON.stringify({
          type: 'response.output_text.delta', sequence_number: sequence++, item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [],
        })}\n\n`;
      }
      if (out !== '' && !response.write(out)) {
        upstreamResponse.pause();
        response.once('drain', () => upstreamResponse.resume());
      }
    });
    upstreamResponse.on('end', () => response.end());
  });
  upstreamRequest.on('error', () => response.destroy());
  response.on('close', () => upstreamRequest.destroy());
  upstreamRequest.end(payload);
}

server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => process.exit(0));
