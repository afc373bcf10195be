import { randomFillSync } from 'node:crypto';

/** The id prefixes, one per kind of object, as OpenAI uses them. */
export const ID_PREFIX = {
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
  custom_tool_call: 'ctc',
  custom_tool_call_output: 'ctco',
  call: 'call',
  reasoning: 'rs',
  mcp_list_tools: 'mcpl',
  mcp_call: 'mcp',
  mcp_approval_request: 'mcpr',
  mcp_approval_response: 'mcpa',
  code_interpreter_call: 'ci',
  shell_call: 'sh',
  response: 'resp',
  conversation: 'conv',
  container: 'cntr',
  compaction: 'cmp',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

let lastMillis = 0;
let counter = 0;

/** Random bytes drawn 4 KiB at a time: one call into the CPRNG per 512 ids instead of one per id. */
const RANDOM_POOL = Buffer.allocUnsafe(4096);
let poolOffset = RANDOM_POOL.length;

function randomHex8(): string {
  if (poolOffset + 8 > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    poolOffset = 0;
  }
  const hex = RANDOM_POOL.toString('hex', poolOffset, poolOffset + 8);
  poolOffset += 8;
  return hex;
}

/**
 * A new id such as `msg_0195f3c2a1b40000a1b2c3d4e5f60718`: 12 hex digits of milliseconds,
 * 4 of a per-millisecond counter, 16 random. Ids of one kind made by one process sort in
 * creation order, so stores and cursors can order by id.
 */
export function newId(kind: IdKind): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    counter = 0;
  } else {
    counter += 1;
    // More than 65,536 ids in one millisecond: borrow the next millisecond to stay ordered.
    if (counter > 0xffff) {
      lastMillis += 1;
      counter = 0;
    }
  }
  const time = lastMillis.toString(16).padStart(12, '0');
  const seq = counter.toString(16).padStart(4, '0');
  return `${ID_PREFIX[kind]}_${time}${seq}${randomHex8()}`;
}
