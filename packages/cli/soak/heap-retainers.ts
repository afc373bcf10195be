/**
 * Where the objects that a late heap snapshot has and an early one had not (V8 numbers nodes in
 * allocation order, so a node id above the early snapshot's highest is new and survived) are
 * held from: grouped by their retainer chain, a few links up, with the count and size of each.
 * The companion of heap-diff.ts, which says what grew; this says who holds it.
 *
 *   node packages/cli/soak/heap-retainers.ts early.heapsnapshot late.heapsnapshot [depth]
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function load(path: string): HeapSnapshot {
  return JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
}

const [earlyPath, latePath, depthArg] = process.argv.slice(2);
if (!earlyPath || !latePath) {
  process.stderr.write('usage: node packages/cli/soak/heap-retainers.ts early.heapsnapshot late.heapsnapshot [depth]\n');
  process.exit(2);
}
const depth = Number(depthArg ?? 4);
const early = load(earlyPath);
const nodeFieldCount = early.snapshot.meta.node_fields.length;
const idField = early.snapshot.meta.node_fields.indexOf('id');
let highestEarlyId = 0;
for (let at = 0; at < early.nodes.length; at += nodeFieldCount) highestEarlyId = Math.max(highestEarlyId, early.nodes[at + idField]!);

const snap = load(latePath);
const nf = snap.snapshot.meta.node_fields;
const ef = snap.snapshot.meta.edge_fields;
const nodeTypes = snap.snapshot.meta.node_types[0];
const edgeTypes = snap.snapshot.meta.edge_types[0];
const [iType, iName, iId, iSize, iEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((field) => nf.indexOf(field)) as number[] as [number, number, number, number, number];
const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((field) => ef.indexOf(field)) as [number, number, number];
const nodeCount = snap.nodes.length / nf.length;

// The first strong retainer of each node (edge from, and the edge's label).
const retainer = new Int32Array(nodeCount).fill(-1);
const retainerEdge = new Array<string>(nodeCount);
let edgeAt = 0;
for (let node = 0; node < nodeCount; node += 1) {
  const edges = snap.nodes[node * nf.length + iEdges]!;
  for (let k = 0; k < edges; k += 1, edgeAt += ef.length) {
    const type = edgeTypes[snap.edges[edgeAt + eType]!]!;
    if (type === 'weak' || type === 'shortcut') continue;
    const to = snap.edges[edgeAt + eTo]! / nf.length;
    if (retainer[to] !== -1) continue;
    retainer[to] = node;
    const name = snap.edges[edgeAt + eName]!;
    retainerEdge[to] = type === 'element' || type === 'hidden' ? `[${name}]` : `.${snap.strings[name]}`;
  }
}

const label = (node: number): string => {
  const type = nodeTypes[snap.nodes[node * nf.length + iType]!]!;
  const name = snap.strings[snap.nodes[node * nf.length + iName]!]!;
  return type === 'object' || type === 'closure' ? name.slice(0, 40) : `(${type})`;
};

const groups = new Map<string, { count: number; size: number }>();
for (let node = 0; node < nodeCount; node += 1) {
  if (snap.nodes[node * nf.length + iId]! <= highestEarlyId) continue;
  const chain = [label(node)];
  let at = node;
  for (let level = 0; level < depth && retainer[at] !== -1; level += 1) {
    chain.push(`${retainerEdge[at]} ${label(retainer[at]!)}`);
    at = retainer[at]!;
  }
  const key = chain.join(' <- ');
  const group = groups.get(key) ?? { count: 0, size: 0 };
  group.count += 1;
  group.size += snap.nodes[node * nf.length + iSize]!;
  groups.set(key, group);
}
for (const [key, group] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, 30)) {
  process.stdout.write(`${(group.size / 1e3).toFixed(0).padStart(8)} kB ${String(group.count).padStart(7)}  ${key}\n`);
}
