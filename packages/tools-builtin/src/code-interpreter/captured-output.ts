/**
 * A call's stdout and stderr, interleaved in the order they were written, kept up to a number
 * of characters; the rest is only counted.
 */
export class CapturedOutput {
  private readonly parts: string[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly maxChars: number) {}

  append(text: string): void {
    const room = Math.max(0, this.maxChars - this.kept);
    const part = text.length <= room ? text : text.slice(0, room);
    if (part.length > 0) this.parts.push(part);
    this.kept += part.length;
    this.dropped += text.length - part.length;
  }

  /** Characters written but not kept, here or (as the worker reports) before they were sent. */
  addDropped(chars: number): void {
    this.dropped += chars;
  }

  get text(): string {
    return this.parts.join('');
  }

  get droppedChars(): number {
    return this.dropped;
  }
}
