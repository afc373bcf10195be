import { readdirSync } from 'node:fs';
import { getHeapStatistics, type HeapInfo } from 'node:v8';
import type { MetricRegistry } from '@agentport/core';

/**
 * The process's memory and descriptors, under the names Prometheus' own Node clients use, read
 * when scraped. RSS alone rises and falls with V8's collections (the heap grows to about twice
 * what it holds before a full one); the heap's used size after a collection is what shows a leak.
 */
export function registerProcessMetrics(registry: MetricRegistry): void {
  const heap = heapReading();
  registry.gauge('process_resident_memory_bytes', 'Resident memory of this process, in bytes.', () => process.memoryUsage.rss());
  registry.gauge('nodejs_heap_size_total_bytes', 'The size V8 reserved for the JavaScript heap, in bytes.', () => heap().total_heap_size);
  // Reserved is not resident: the heap's pages become resident as they are touched, so RSS can rise while this one stays put.
  registry.gauge('nodejs_heap_size_physical_bytes', 'The part of the JavaScript heap resident in memory, in bytes.', () => heap().total_physical_size);
  registry.gauge('nodejs_heap_size_used_bytes', 'The JavaScript heap in use, in bytes (live objects and garbage not yet collected).', () => heap().used_heap_size);
  registry.gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript ones (buffers among them), in bytes.', () => process.memoryUsage().external);
  if (openDescriptors() !== undefined) {
    registry.gauge('process_open_fds', 'Open file descriptors of this process (sockets, database files, pipes).', () => openDescriptors() ?? 0);
  }
}

/**
 * One reading of V8's heap for all the heap gauges of a scrape: read one by one, the heap could
 * grow between two of them, and a scrape show more used than reserved.
 */
function heapReading(): () => HeapInfo {
  let reading: HeapInfo | undefined;
  return () => {
    if (reading === undefined) {
      reading = getHeapStatistics();
      queueMicrotask(() => { reading = undefined; });
    }
    return reading;
  };
}

/** Linux only: the entries of /proc/self/fd (one of them the listing's own). */
function openDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}
