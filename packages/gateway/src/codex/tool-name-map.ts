import { namespacedToolName } from '@agentport/core';

/** The client's tool behind a function name the model calls, when it is not a plain function tool. */
export type DeclaredTool =
  /** A `custom` tool (maybe in a namespace): a call is shown as a `custom_tool_call` with the text input. */
  | { kind: 'custom'; name: string; namespace?: string }
  /** A function of a `namespace` tool: a call is shown under the member's own name with its `namespace`. */
  | { kind: 'namespaced'; namespace: string; name: string };

/**
 * Per request, which function names the model sees stand for `custom` tools and for members
 * of `namespace` tools, built from the tools as the client declared them (the response echoes
 * them, so the encoder rebuilds the same map from the response). Plain function tools and
 * server tools are not in it: their calls are shown as they are.
 */
export class ToolNameMap {
  private constructor(private readonly byModelName: ReadonlyMap<string, DeclaredTool>) {}

  static readonly EMPTY = new ToolNameMap(new Map());

  /** From the request's `tools`, as sent. Entries that are not well-formed are skipped: the parser refused them already. */
  static fromDeclaredTools(tools: readonly unknown[]): ToolNameMap {
    const byModelName = new Map<string, DeclaredTool>();
    for (const tool of tools) {
      if (!isRecord(tool) || typeof tool.name !== 'string') continue;
      if (tool.type === 'custom') {
        byModelName.set(tool.name, { kind: 'custom', name: tool.name });
      } else if (tool.type === 'namespace' && Array.isArray(tool.tools)) {
        for (const member of tool.tools) {
          if (!isRecord(member) || typeof member.name !== 'string') continue;
          const modelName = namespacedToolName(tool.name, member.name);
          if (member.type === 'function') byModelName.set(modelName, { kind: 'namespaced', namespace: tool.name, name: member.name });
          else if (member.type === 'custom') byModelName.set(modelName, { kind: 'custom', name: member.name, namespace: tool.name });
        }
      }
    }
    return byModelName.size === 0 ? ToolNameMap.EMPTY : new ToolNameMap(byModelName);
  }

  /** The declared tool behind the name the model called, or undefined for a name shown as it is. */
  resolve(modelName: string): DeclaredTool | undefined {
    return this.byModelName.get(modelName);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
