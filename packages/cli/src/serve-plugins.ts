import type { AnyPlugin } from '@agentport/core';
import { gateway } from '@agentport/gateway';
import { postgresStore } from '@agentport/store-postgres';
import { sqliteStore } from '@agentport/store-sqlite';
import { telemetry } from '@agentport/telemetry';
import { TRACE_VIEWER_PAGE } from '@agentport/trace-viewer';
import { builtinTools } from '@agentport/tools-builtin';
import { vllm } from '@agentport/vllm-adapter';

/** The plugins `agentport serve` composes, in order, around the chosen store. */
export function servePlugins(store: AnyPlugin = sqliteStore()): AnyPlugin[] {
  return [telemetry(), vllm(), store, ...builtinTools(), gateway({ traceViewerPage: TRACE_VIEWER_PAGE })];
}

/** Every plugin `agentport serve` may compose, each store included, for the config reference. */
export function everyServePlugin(): AnyPlugin[] {
  return [telemetry(), vllm(), sqliteStore(), postgresStore(), ...builtinTools(), gateway({ traceViewerPage: TRACE_VIEWER_PAGE })];
}
