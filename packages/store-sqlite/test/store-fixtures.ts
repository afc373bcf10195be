import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export {
  assistantMessage, nowSeconds as now, sampleConversationRecord as conversationRecord, sampleResponseRecord as responseRecord,
  textDeltaEvents as textEvents, userMessage,
} from '@agentport/core/testing';

/** A fresh directory under the OS temp dir; `remove()` deletes it with everything in it. */
export function temporaryDirectory(prefix: string): { path: string; file(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `agentport-${prefix}-`));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}
