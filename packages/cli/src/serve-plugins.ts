import type { AnyPlugin } from '@agentport/core';
import { gateway } from '@agentport/gateway';
import { sqliteStore } from '@agentport/store-sqlite';
import { builtinTools } from '@agentport/tools-builtin';
import { vllm } from '@agentport/vllm-adapter';

/** The plugins `agentport serve` composes, in order; the config reference documents the same list. */
export function servePlugins(): AnyPlugin[] {
  return [vllm(), sqliteStore(), ...builtinTools(), gateway()];
}
