import { type Item, type MessageContentPart, newId } from '@agentport/core';
import type { ReasoningSeal } from '../codex/reasoning-seal.js';
import { invalidRequest } from '../errors.js';
import { FieldReader, isObject } from './field-reader.js';
import { parseInputFile, type PendingPdf, readPendingPdfs } from './input-files.js';

export interface InputItemOptions {
  /** Opens the `encrypted_content` of reasoning items the gateway sealed; without it blobs are kept unread. */
  reasoningSeal?: ReasoningSeal | undefined;
  /** Opens the `encrypted_content` of compaction items; without it a compaction item is refused. */
  compactionSeal?: ReasoningSeal | undefined;
  /** Pages of an `input_file` PDF read at most; more is a 400. */
  maxInputFilePages?: number | undefined;
}

/** PDFs read at most this many pages unless the caller says. */
export const DEFAULT_MAX_INPUT_FILE_PAGES = 200;

/**
 * One entry of a response's `input`: an item as sent (stored under a fresh id, so a replayed
 * one cannot collide with the stored one; `clientId` is the id it came with, by which an item the
 * history already holds is recognised), or an `item_reference` to a stored item, resolved once the
 * history is loaded (`resolveInput`). `pdfs`: `input_file` PDFs of the item whose text is read then.
 */
export type InputEntry =
  | { readonly kind: 'item'; readonly item: Item; readonly clientId: string | undefined; readonly pdfs: readonly PendingPdf[] }
  | { readonly kind: 'reference'; readonly id: string; readonly param: string };

/** A response's `input` (a string, or items in any of the shapes the Responses API accepts, references included). */
export function parseInputEntries(input: unknown, param = 'input', options: InputItemOptions = {}): InputEntry[] {
  if (typeof input === 'string') {
    return [{ kind: 'item', item: { type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: input }] }, clientId: undefined, pdfs: [] }];
  }
  if (!Array.isArray(input)) throw invalidRequest(param, `Invalid type for '${param}': expected a string or an array of items.`, 'invalid_type');
  return input.map((element, index): InputEntry => {
    const at = `${param}[${index}]`;
    if (isItemReference(element)) return { kind: 'reference', id: new FieldReader(element, at).string('id', { required: true, nonEmpty: true })!, param: at };
    const clientId = isObject(element) && typeof element.id === 'string' && element.id !== '' ? element.id : undefined;
    const pdfs: PendingPdf[] = [];
    return { kind: 'item', item: parseItem(element, at, { ...options, pdfs }), clientId, pdfs };
  });
}

/** Items given whole (a conversation's new items): as `parseInputEntries`, without references, PDFs read. */
export async function parseInputItems(input: unknown, param = 'input', options: InputItemOptions = {}): Promise<Item[]> {
  const entries = parseInputEntries(input, param, options);
  const items: Item[] = [];
  for (const entry of entries) {
    if (entry.kind === 'reference') {
      throw invalidRequest(`${entry.param}.type`, `'item_reference' is accepted in a response's input, not at '${entry.param}'.`);
    }
    items.push(entry.item);
  }
  for (const entry of entries) if (entry.kind === 'item') await readPendingPdfs(entry.pdfs);
  return items;
}

/** `{ type: 'item_reference', id }`, or (the type being optional) an object with only an `id`. */
function isItemReference(element: unknown): element is Record<string, unknown> {
  if (!isObject(element)) return false;
  if (element.type === 'item_reference') return true;
  return element.type === undefined && element.role === undefined && Object.keys(element).every((key) => key === 'id');
}

function parseItem(element: unknown, param: string, options: InputItemOptions & { pdfs: PendingPdf[] }): Item {
  if (!isObject(element)) throw invalidRequest(param, `'${param}' must be an object.`);
  const item = new FieldReader(element, param);
  const type = item.string('type') ?? (item.has('role') ? 'message' : undefined);
  switch (type) {
    case 'message':
      return parseMessage(item, options.maxInputFilePages ?? DEFAULT_MAX_INPUT_FILE_PAGES, options.pdfs);
    case 'function_call': {
      const namespace = item.string('namespace', { nonEmpty: true });
      return {
        type: 'function_call', id: newId('function_call'),
        call_id: item.string('call_id', { required: true, nonEmpty: true }),
        name: item.string('name', { required: true, nonEmpty: true }),
        arguments: item.string('arguments', { required: true }),
        ...(namespace === undefined ? {} : { namespace }),
        status: 'completed',
      };
    }
    case 'function_call_output':
      return {
        type: 'function_call_output', id: newId('function_call_output'),
        call_id: item.string('call_id', { required: true, nonEmpty: true }),
        output: outputText(item, 'output'),
        status: 'completed',
      };
    case 'custom_tool_call': {
      const namespace = item.string('namespace', { nonEmpty: true });
      return {
        type: 'custom_tool_call', id: newId('custom_tool_call'),
        call_id: item.string('call_id', { required: true, nonEmpty: true }),
        name: item.string('name', { required: true, nonEmpty: true }),
        input: item.string('input', { required: true }),
        ...(namespace === undefined ? {} : { namespace }),
        status: 'completed',
      };
    }
    case 'custom_tool_call_output':
      return {
        type: 'custom_tool_call_output', id: newId('custom_tool_call_output'),
        call_id: item.string('call_id', { required: true, nonEmpty: true }),
        output: outputText(item, 'output'),
        status: 'completed',
      };
    case 'reasoning':
      return parseReasoning(item, options.reasoningSeal);
    case 'compaction':
    case 'compaction_summary':
      return parseCompaction(item, param, options.compactionSeal);
    case 'mcp_approval_response':
      return {
        type: 'mcp_approval_response', id: newId('mcp_approval_response'),
        approval_request_id: item.string('approval_request_id', { required: true, nonEmpty: true }),
        approve: requiredBoolean(item, 'approve'),
        reason: item.string('reason') ?? null,
      };
    case 'mcp_approval_request':
      return {
        type: 'mcp_approval_request', id: item.string('id', { required: true, nonEmpty: true }),
        server_label: item.string('server_label', { required: true }), name: item.string('name', { required: true }),
        arguments: item.string('arguments', { required: true }),
      };
    case 'mcp_call':
      return {
        type: 'mcp_call', id: newId('mcp_call'), server_label: item.string('server_label', { required: true }),
        name: item.string('name', { required: true }), arguments: item.string('arguments', { required: true }),
        output: item.string('output') ?? null, error: item.string('error') ?? null, status: 'completed',
      };
    case 'mcp_list_tools':
      return {
        type: 'mcp_list_tools', id: newId('mcp_list_tools'), server_label: item.string('server_label', { required: true }),
        tools: (item.objects('tools') ?? []).map((tool) => ({
          name: tool.string('name', { required: true }), description: tool.string('description') ?? null,
          input_schema: tool.plainObject('input_schema') ?? {},
        })),
        error: item.string('error') ?? null,
      };
    case 'code_interpreter_call':
      return {
        type: 'code_interpreter_call', id: newId('code_interpreter_call'), code: item.string('code') ?? null,
        container_id: item.string('container_id') ?? '',
        outputs: (item.objects('outputs') ?? []).map((output) => output.string('type') === 'image'
          ? { type: 'image' as const, url: output.string('url', { required: true }) }
          : { type: 'logs' as const, logs: output.string('logs', { required: true }) }),
        status: 'completed',
      };
    case undefined:
      throw invalidRequest(`${param}.type`, `Missing required parameter: '${param}.type'.`, 'missing_required_parameter');
    default:
      throw invalidRequest(`${param}.type`, `Unsupported input item type '${type}' at '${param}'.`);
  }
}

/**
 * A reasoning item. A blob the gateway sealed is opened and its text becomes the item's
 * content (what the model sees again); one that does not open is dropped (the seal logs it)
 * and the item keeps what the client sent in the clear.
 */
function parseReasoning(item: FieldReader, seal: ReasoningSeal | undefined): Item {
  const summary = (item.objects('summary') ?? []).map((part) => ({ type: 'summary_text' as const, text: part.string('text', { required: true }) }));
  let content = (item.objects('content') ?? []).map((part) => ({ type: 'reasoning_text' as const, text: part.string('text', { required: true }) }));
  let encrypted = item.string('encrypted_content') ?? null;
  if (encrypted !== null && seal) {
    const text = seal.open(encrypted);
    if (text === undefined) encrypted = null;
    else content = [{ type: 'reasoning_text', text }];
  }
  return { type: 'reasoning', id: newId('reasoning'), summary, content, encrypted_content: encrypted };
}

/**
 * A compaction item (what `/v1/responses/compact` or an automatic compaction gave the client).
 * Its summary is what its sealed `encrypted_content` holds; one that does not open is a 400:
 * going on without it would silently drop the conversation it stands for.
 */
function parseCompaction(item: FieldReader, param: string, seal: ReasoningSeal | undefined): Item {
  const blob = item.string('encrypted_content', { required: true, nonEmpty: true });
  const summary = seal?.open(blob);
  if (summary === undefined) {
    throw invalidRequest(`${param}.encrypted_content`, `The compaction item at '${param}' could not be opened: it was not made by this gateway, was changed, or was sealed with another key (gateway.reasoningEncryptionKey).`, 'invalid_encrypted_content');
  }
  return { type: 'compaction', id: newId('compaction'), summary, encrypted_content: blob };
}

const ROLES = ['user', 'assistant', 'system', 'developer'] as const;

function parseMessage(item: FieldReader, maxFilePages: number, pdfs: PendingPdf[]): Item {
  const role = item.oneOf('role', ROLES, { required: true })!;
  const raw = item.raw('content');
  const param = item.param('content');
  let content: MessageContentPart[];
  if (typeof raw === 'string') {
    content = [role === 'assistant' ? { type: 'output_text', text: raw, annotations: [] } : { type: 'input_text', text: raw }];
  } else if (Array.isArray(raw)) {
    content = (item.objects('content') ?? []).map((part, index) => parsePart(part, `${param}[${index}]`, maxFilePages, pdfs));
  } else {
    throw invalidRequest(param, `Invalid type for '${param}': expected a string or an array of content parts.`, 'invalid_type');
  }
  return { type: 'message', id: newId('message'), role, content, status: 'completed' };
}

function parsePart(part: FieldReader, param: string, maxFilePages: number, pdfs: PendingPdf[]): MessageContentPart {
  const type = part.oneOf('type', ['input_text', 'output_text', 'refusal', 'input_image', 'input_file'] as const, { required: true });
  switch (type) {
    case 'input_file':
      return parseInputFile(part, param, maxFilePages, pdfs);
    case 'input_text':
      return { type, text: part.string('text', { required: true }) };
    case 'output_text':
      return { type, text: part.string('text', { required: true }), annotations: [] };
    case 'refusal':
      return { type, refusal: part.string('refusal', { required: true }) };
    default:
      return { type: 'input_image', image_url: part.string('image_url') ?? null, detail: part.oneOf('detail', ['low', 'high', 'auto'] as const) ?? 'auto' };
  }
}

/** A tool output given as text or as content parts (their text joined). */
function outputText(item: FieldReader, key: string): string {
  const raw = item.raw(key);
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return (item.objects(key) ?? []).map((part) => part.string('text') ?? '').join('');
  throw invalidRequest(item.param(key), `Invalid type for '${item.param(key)}': expected a string or an array of content parts.`, 'invalid_type');
}

function requiredBoolean(item: FieldReader, key: string): boolean {
  const value = item.boolean(key);
  if (value === undefined) throw invalidRequest(item.param(key), `Missing required parameter: '${item.param(key)}'.`, 'missing_required_parameter');
  return value;
}
