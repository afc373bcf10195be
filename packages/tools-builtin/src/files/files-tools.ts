import { ArgumentReader } from '../builtin-server/argument-reader.js';
import type { BuiltinTool } from '../builtin-server/builtin-tool.js';
import type { ConfinedRoot, DirectoryEntry, DirectoryListing, FileRead } from './confined-root.js';

export const READ_FILE_TOOL_NAME = 'read_file';
export const LIST_DIRECTORY_TOOL_NAME = 'list_directory';

export interface FilesToolLimits {
  maxFileBytes: number;
  maxEntries: number;
}

/** Longer paths are refused before any file system call. */
const MAX_PATH_CHARS = 4_096;

const PATH_PARAMETERS = (about: string) => ({
  type: 'object',
  properties: { path: { type: 'string', description: about } },
  required: ['path'],
  additionalProperties: false,
});

/** `read_file` and `list_directory` over one root. */
export function filesTools(root: ConfinedRoot, limits: FilesToolLimits): BuiltinTool[] {
  return [
    {
      name: READ_FILE_TOOL_NAME,
      readOnly: true,
      description: `Reads a UTF-8 text file under the files root and returns its text (at most ${limits.maxFileBytes} bytes; the rest is cut with a note). `
        + 'Paths are relative to the root; nothing outside it can be read.',
      parameters: PATH_PARAMETERS('The file, relative to the files root (e.g. "notes/todo.txt").'),
      async call(input) {
        const path = new ArgumentReader(READ_FILE_TOOL_NAME, input).string('path', { maxLength: MAX_PATH_CHARS });
        return describeRead(await root.read(path, limits.maxFileBytes));
      },
    },
    {
      name: LIST_DIRECTORY_TOOL_NAME,
      readOnly: true,
      description: `Lists a directory under the files root: one entry a line, directories ending in "/", files with their size (at most ${limits.maxEntries} entries). `
        + 'Paths are relative to the root; "." is the root itself.',
      parameters: PATH_PARAMETERS('The directory, relative to the files root; "." for the root.'),
      async call(input) {
        const path = new ArgumentReader(LIST_DIRECTORY_TOOL_NAME, input).string('path', { maxLength: MAX_PATH_CHARS });
        return describeListing(await root.list(path, limits.maxEntries), limits.maxEntries);
      },
    },
  ];
}

function describeRead(read: FileRead): string {
  if (read.kind === 'binary') return `[${read.path} is a binary file of ${read.size} bytes; only UTF-8 text is shown]`;
  if (!read.truncated) return read.text;
  return `${read.text}\n[file cut: showing the first ${Buffer.byteLength(read.text)} of ${read.size} bytes]`;
}

function describeListing(listing: DirectoryListing, maxEntries: number): string {
  const lines = listing.entries.map(describeEntry);
  if (lines.length === 0) lines.push(`[${listing.path} is empty]`);
  if (listing.truncated) lines.push(`[more entries not shown: the listing stops at ${maxEntries}]`);
  return lines.join('\n');
}

function describeEntry(entry: DirectoryEntry): string {
  switch (entry.kind) {
    case 'directory':
      return `${entry.name}/`;
    case 'file':
      return entry.size === undefined ? entry.name : `${entry.name} (${entry.size} bytes)`;
    case 'symlink':
      return `${entry.name} (symbolic link)`;
    case 'other':
      return `${entry.name} (special file)`;
  }
}
