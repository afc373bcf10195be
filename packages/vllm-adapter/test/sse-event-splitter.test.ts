import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { SseEventSplitter } from '../src/sse-event-splitter.js';
import { loadChatStreamRecording } from '../src/testing/index.js';
import { CHAT_STREAM_FIXTURES } from './harness.js';

/** What the splitter reads from `chunks`: the payloads, and `oversized` where it stopped on the size limit. */
function split(chunks: readonly string[], maxEventBytes = 1_000_000): string[] {
  const out: string[] = [];
  const splitter = new SseEventSplitter({ data: (payload) => out.push(payload), oversized: () => out.push('<oversized>') }, maxEventBytes);
  for (const chunk of chunks) splitter.feed(chunk);
  return out;
}

/** What eventsource-parser alone reads from the same chunks: the SSE spec's answer. */
function parsedBySpec(chunks: readonly string[]): string[] {
  const out: string[] = [];
  const parser = createParser({ onEvent: (message) => out.push(message.data) });
  for (const chunk of chunks) parser.feed(chunk);
  return out;
}

/** The body cut at every `step`-th character, and at every character when it is short. */
function cuts(body: string, step: number): string[][] {
  const ways: string[][] = [[body]];
  for (let at = 1; at < body.length; at += step) ways.push([body.slice(0, at), body.slice(at)]);
  // Every character its own read.
  if (body.length < 2_000) ways.push([...body]);
  return ways;
}

const AWKWARD_BODIES: Record<string, string> = {
  'comments and pings': ': ping\n\ndata: {"a":1}\n\n: keep-alive\ndata: {"b":2}\n\n',
  'event and id fields': 'event: message\nid: 7\ndata: {"a":1}\n\nid: 8\ndata: {"b":2}\n\n',
  'data over two lines': 'data: {"a":\ndata: 1}\n\ndata: {"b":2}\n\n',
  'data without the space': 'data:{"a":1}\n\ndata: {"b":2}\n\n',
  'blank lines between events': '\n\n\ndata: {"a":1}\n\n\n\ndata: {"b":2}\n\n\n',
  'CRLF line endings': 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n',
  'CR line endings after LF ones': 'data: {"a":1}\n\ndata: {"b":2}\r\rdata: {"c":3}\r\r',
  'a byte order mark first': '\uFEFFdata: {"a":1}\n\ndata: {"b":2}\n\n',
  'an unfinished last event': 'data: {"a":1}\n\ndata: {"b":2}',
};

describe('SseEventSplitter reads SSE as the spec does, however the body is cut into reads', () => {
  it('gives the payloads eventsource-parser gives for every recorded chat stream, cut anywhere', async () => {
    const files = (await readdir(CHAT_STREAM_FIXTURES)).filter((name) => name.endsWith('-stream.json'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const body = (await loadChatStreamRecording(join(CHAT_STREAM_FIXTURES, file))).response.sse;
      if (!body) continue;
      const expected = parsedBySpec([body]);
      expect(expected.length, file).toBeGreaterThan(0);
      for (const chunks of cuts(body, 7)) expect(split(chunks), `${file} cut as ${chunks.length} reads`).toEqual(expected);
    }
  });

  it.each(Object.entries(AWKWARD_BODIES))('gives the spec\'s payloads for a body with %s, cut anywhere', (_, body) => {
    const expected = parsedBySpec([body]);
    for (const chunks of cuts(body, 1)) expect(split(chunks), JSON.stringify(chunks)).toEqual(expected);
  });

  it('reports an event over the size limit, whole in one read or growing across reads', () => {
    const big = `data: {"text":"${'x'.repeat(300)}"}\n\n`;
    expect(split([`data: {"a":1}\n\n${big}`], 200)).toEqual(['{"a":1}', '<oversized>']);
    expect(split(['data: {"a":1}\n\n', big.slice(0, 150), big.slice(150, 260)], 200)).toEqual(['{"a":1}', '<oversized>']);
    expect(split([`: ping\n${big}`], 200)).toContain('<oversized>');
  });
});
