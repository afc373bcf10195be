import { newId, type RequestedTool, type Tool, type ToolListContext, type ToolProvider } from '@agentport/core';
import type { CodeInterpreter } from './code-interpreter.js';
import { codeInterpreterTool } from './code-interpreter-tool.js';
import type { ContainerRef } from './container-registry.js';

/** The request tool type this provider serves. */
export const CODE_INTERPRETER_TOOL_TYPE = 'code_interpreter';

/** Longer container ids are not taken as ids; such a request gets a new container. */
const MAX_CONTAINER_ID_CHARS = 256;

/**
 * Offers the `code_interpreter` tool to a request that asks for it
 * (`{type: 'code_interpreter', container: 'cntr_…' | {type: 'auto'}}`), bound to that
 * container; to other requests, nothing.
 */
export class CodeInterpreterToolProvider implements ToolProvider {
  readonly name = 'code-interpreter';
  readonly servesToolTypes = [CODE_INTERPRETER_TOOL_TYPE] as const;

  constructor(private readonly interpreter: CodeInterpreter) {}

  async listTools(ctx: ToolListContext): Promise<Tool[]> {
    const requested = ctx.requestedTools?.find((tool) => tool.type === CODE_INTERPRETER_TOOL_TYPE);
    return requested ? [codeInterpreterTool(this.interpreter, containerOf(requested))] : [];
  }
}

/**
 * A container id string reuses that container; `{type: 'auto'}` (or no `container`) gets a
 * new one, whose id is made now so that the call's item names it from the start.
 */
export function containerOf(requested: RequestedTool): ContainerRef {
  const container = requested.config.container;
  if (typeof container === 'string' && container.length > 0 && container.length <= MAX_CONTAINER_ID_CHARS) {
    return { kind: 'named', id: container };
  }
  return { kind: 'auto', id: newId('container') };
}
