/** The limits a server tool runs under. Every value is a named config key with a default. */
export interface ToolPolicy {
  enabled: boolean;
  /** Wall-clock limit per call; the tool's signal is aborted and the call fails. */
  timeoutMs: number;
  /** The output the model sees is cut to this many characters, with a note. */
  maxOutputChars: number;
  /** Calls of this tool running at once across all runs; more wait their turn. */
  maxConcurrency: number;
}

export const DEFAULT_TOOL_POLICY: Readonly<ToolPolicy> = Object.freeze({
  enabled: true,
  timeoutMs: 30_000,
  maxOutputChars: 20_000,
  maxConcurrency: 8,
});

export interface ToolRegistryOptions {
  /** The policy of every tool without its own. */
  defaults?: Partial<ToolPolicy>;
  /** Per tool name. */
  policies?: Record<string, Partial<ToolPolicy>>;
  /** When set, only these tool names are offered; the others are left out. */
  allowlist?: readonly string[];
}
