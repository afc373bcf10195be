/**
 * Compares two V8 heap snapshots of one process (taken early and late in a soak) by node type
 * and constructor name: the groups that grew most, by self size and count.
 *
 *   node packages/cli/soak/heap-diff.ts early.heapsnapshot late.heapsnapshot
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Group { count: number; size: number }

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);

function summarize(path: string): { groups: Map<string, Group>; total: number } {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const groups = new Map<string, Group>();
  let total = 0;
  for (let at = 0; at < snap.nodes.length; at += fields.length) {
    const type = types[snap.nodes[at + iType]!]!;
    const name = STRING_TYPES.has(type) ? '(string)' : type === 'code' || type === 'hidden' ? `(${type})` : snap.strings[snap.nodes[at + iName]!]!.slice(0, 60);
    const key = `${type}:${name}`;
    const group = groups.get(key) ?? { count: 0, size: 0 };
    const size = snap.nodes[at + iSize]!;
    group.count += 1;
    group.size += size;
    total += size;
    groups.set(key, group);
  }
  return { groups, total };
}

const [earlyPath, latePath] = process.argv.slice(2);
if (!earlyPath || !latePath) {
  process.stderr.write('usage: node packages/cli/soak/heap-diff.ts early.heapsnapshot late.heapsnapshot\n');
  process.exit(2);
}
const early = summarize(earlyPath);
const late = summarize(latePath);
process.stdout.write(`heap self size: ${(early.total / 1e6).toFixed(1)} MB -> ${(late.total / 1e6).toFixed(1)} MB\n`);
const growth = [...late.groups].map(([key, group]) => {
  const before = early.groups.get(key) ?? { count: 0, size: 0 };
  return { key, size: group.size - before.size, count: group.count - before.count, now: group.count };
}).sort((a, b) => b.size - a.size);
for (const row of growth.slice(0, 25)) {
  process.stdout.write(`${(row.size / 1e3).toFixed(0).padStart(9)} kB ${String(row.count).padStart(9)} objects (${row.now} now)  ${row.key}\n`);
}
