import { ApiError, invalidRequest } from '../errors.js';
import type { FieldReader } from './field-reader.js';

/** A text part standing for an `input_file`: what the model reads of the file. */
export interface FileTextPart {
  type: 'input_text';
  text: string;
}

/** A PDF whose text is read once the request is checked (reading is async; parsing the body is not). */
export interface PendingPdf {
  readonly part: FileTextPart;
  readonly data: Uint8Array;
  readonly label: string;
  readonly param: string;
  readonly maxPages: number;
}

const TEXT_MEDIA_TYPES = new Set([
  'application/json', 'application/ld+json', 'application/x-ndjson', 'application/xml', 'application/yaml', 'application/x-yaml',
  'application/toml', 'application/javascript', 'application/typescript', 'application/x-sh', 'application/sql', 'application/csv',
  'application/x-python', 'application/graphql',
]);
const PDF = 'application/pdf';
/** Media types by extension, for `file_data` sent as bare base64 with a `filename`. */
const BY_EXTENSION: Record<string, string> = {
  pdf: PDF, txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', tsv: 'text/tab-separated-values', html: 'text/html', htm: 'text/html',
  css: 'text/css', xml: 'application/xml', json: 'application/json', jsonl: 'application/x-ndjson', yaml: 'application/yaml',
  yml: 'application/yaml', toml: 'application/toml', ini: 'text/plain', log: 'text/plain', sql: 'application/sql', sh: 'application/x-sh',
  js: 'application/javascript', mjs: 'application/javascript', ts: 'application/typescript', tsx: 'application/typescript',
  jsx: 'application/javascript', py: 'text/x-python', rb: 'text/x-ruby', go: 'text/x-go', rs: 'text/x-rust', java: 'text/x-java',
  c: 'text/x-c', h: 'text/x-c', cpp: 'text/x-c++', cs: 'text/x-csharp', kt: 'text/x-kotlin', swift: 'text/x-swift', php: 'text/x-php',
};

/**
 * An `input_file` content part as text the model reads: a text-like file (`text/*`, JSON, YAML,
 * source code, …) inlined as UTF-8, a PDF's text extracted (later, by `readPendingPdfs`), each
 * under a line naming the file. Only `file_data` is read: there is no Files API (`file_id`) and the
 * gateway fetches no URLs (`file_url`). Anything else is a 400 naming the media type.
 */
export function parseInputFile(part: FieldReader, param: string, maxPages: number, pending: PendingPdf[]): FileTextPart {
  if (part.has('file_id')) throw invalidRequest(part.param('file_id'), `'${part.param('file_id')}' is not supported: this server has no Files API. Send the file's content as 'file_data'.`);
  if (part.has('file_url')) throw invalidRequest(part.param('file_url'), `'${part.param('file_url')}' is not supported: this server fetches no URLs. Send the file's content as 'file_data'.`);
  const filename = part.string('filename', { nonEmpty: true });
  const fileData = part.string('file_data', { required: true, nonEmpty: true })!;
  const { mediaType, base64 } = splitFileData(fileData, filename, part.param('file_data'));
  const data = Buffer.from(base64, 'base64');
  const label = `File ${filename ?? '(unnamed)'} (${mediaType})`;
  if (mediaType === PDF) {
    const text: FileTextPart = { type: 'input_text', text: '' };
    pending.push({ part: text, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), label, param, maxPages });
    return text;
  }
  if (!isTextLike(mediaType)) {
    throw invalidRequest(param, `Unsupported file type '${mediaType}' at '${param}': text files (text/*, JSON, YAML, source code) and PDFs are read.`, 'unsupported_file_type');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw invalidRequest(part.param('file_data'), `'${part.param('file_data')}' is not UTF-8 text, as its type '${mediaType}' says.`);
  }
  return { type: 'input_text', text: `${label}:\n\n${text}` };
}

/** Reads the text of every pending PDF into its part; an unreadable one is a 400 naming its part. */
export async function readPendingPdfs(pending: readonly PendingPdf[]): Promise<void> {
  if (pending.length === 0) return;
  // pdf.js is large: loaded on the first PDF, not at start.
  const { extractText, getDocumentProxy } = await import('unpdf');
  for (const pdf of pending) {
    let text: string;
    try {
      // Errors only: pdf.js would warn on the console about every odd file a client sends.
      const document = await getDocumentProxy(pdf.data, { verbosity: 0 });
      try {
        if (document.numPages > pdf.maxPages) {
          throw invalidRequest(pdf.param, `The PDF at '${pdf.param}' has ${document.numPages} pages; at most ${pdf.maxPages} are read (maxInputFilePages).`);
        }
        text = (await extractText(document, { mergePages: true })).text;
      } finally {
        await document.loadingTask.destroy();
      }
    } catch (error) {
      if (ApiError.is(error)) throw error;
      throw invalidRequest(pdf.param, `Could not read the PDF at '${pdf.param}': ${error instanceof Error ? error.message : String(error)}`, 'invalid_file');
    }
    pdf.part.text = `${pdf.label}:\n\n${text}`;
  }
}

function splitFileData(fileData: string, filename: string | undefined, param: string): { mediaType: string; base64: string } {
  const dataUrl = /^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$/s.exec(fileData);
  if (dataUrl) return { mediaType: (dataUrl[1] || 'application/octet-stream').toLowerCase(), base64: dataUrl[2]! };
  if (fileData.startsWith('data:')) throw invalidRequest(param, `'${param}' must be base64: a data URL 'data:<media type>;base64,…' or bare base64 with a 'filename'.`);
  const extension = filename?.split('.').pop()?.toLowerCase();
  const mediaType = extension === undefined ? undefined : BY_EXTENSION[extension];
  if (!mediaType) throw invalidRequest(param, `'${param}' is bare base64 and '${filename ?? ''}' names no known file type: send a data URL with its media type.`);
  return { mediaType, base64: fileData };
}

function isTextLike(mediaType: string): boolean {
  return mediaType.startsWith('text/') || TEXT_MEDIA_TYPES.has(mediaType) || mediaType.endsWith('+json') || mediaType.endsWith('+xml');
}
