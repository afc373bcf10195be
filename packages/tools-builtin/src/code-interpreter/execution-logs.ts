/** What a call left to report, in the order the logs show it. */
export interface LogParts {
  /** About the container itself (it was restarted, or not found), before everything else. */
  note?: string;
  /** stdout and stderr, interleaved as written. */
  output: string;
  /** Output characters not kept. */
  droppedChars: number;
  /** The last expression's repr, the traceback, or why the call was stopped. */
  ending?: { kind: 'value' | 'traceback' | 'stopped'; text: string };
}

/**
 * The `logs` of a `code_interpreter_call`, at most `maxChars` long (notes aside). When both
 * the output and the ending are long, the ending keeps at least half: a traceback keeps its
 * end (the error), a value its start.
 */
export function composeLogs(parts: LogParts, maxChars: number): string {
  let output = parts.output;
  let dropped = parts.droppedChars;
  let ending = parts.ending?.text ?? '';
  if (output.length + ending.length > maxChars) {
    const endingRoom = Math.max(Math.ceil(maxChars / 2), maxChars - output.length);
    if (ending.length > endingRoom) {
      const cut = ending.length - endingRoom;
      ending = parts.ending?.kind === 'traceback'
        ? `[${cut} characters cut]\n${ending.slice(cut)}`
        : `${ending.slice(0, endingRoom)}\n[${cut} characters cut]`;
    }
    const outputRoom = Math.max(0, maxChars - Math.min(ending.length, maxChars));
    if (output.length > outputRoom) {
      dropped += output.length - outputRoom;
      output = output.slice(0, outputRoom);
    }
  }
  const lines: string[] = [];
  if (parts.note) lines.push(`${parts.note}\n`);
  lines.push(output);
  if (dropped > 0) lines.push(`${newlineAfter(output)}[${dropped} more characters of output were cut]\n`);
  if (ending.length > 0) lines.push(`${newlineAfter(lines.join(''))}${ending}`);
  return lines.join('');
}

function newlineAfter(text: string): string {
  return text.length === 0 || text.endsWith('\n') ? '' : '\n';
}
