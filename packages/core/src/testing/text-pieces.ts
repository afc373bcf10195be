/** How scripted text is cut into deltas: shared by `ScriptedModel` and fake model servers, so scripts read alike. */

/** `chunks` even pieces when given, else one piece per word with its surrounding whitespace. */
export function splitText(text: string, chunks: number | undefined): string[] {
  if (chunks !== undefined) return splitEvenly(text, chunks);
  if (text === '') return [];
  return text.match(/\s*\S+\s*/gu) ?? [text];
}

/** `count` pieces (fewer only when the text is shorter) that join back to `text`, never splitting a code point. */
export function splitEvenly(text: string, count: number): string[] {
  const codePoints = Array.from(text);
  if (codePoints.length === 0) return [];
  const pieces = Math.min(Math.max(1, Math.floor(count)), codePoints.length);
  const base = Math.floor(codePoints.length / pieces);
  const longer = codePoints.length % pieces;
  const result: string[] = [];
  let start = 0;
  for (let piece = 0; piece < pieces; piece += 1) {
    const size = base + (piece < longer ? 1 : 0);
    result.push(codePoints.slice(start, start + size).join(''));
    start += size;
  }
  return result;
}
