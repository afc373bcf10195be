/** A reasoning effort Codex offers for a model. */
export interface CodexReasoningLevel {
  effort: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
  description: string;
}

/**
 * One model in Codex's catalog (`GET /v1/models?client_version=…` → `{ models: [...] }`),
 * with the fields Codex reads. Codex needs every field without a default here, or it drops
 * the catalog and falls back to generic metadata (and loses `apply_patch`).
 */
export interface CodexModelInfoFields {
  slug: string;
  display_name: string;
  description: string | null;
  supported_in_api: boolean;
  priority: number;
  visibility: 'list' | 'hide' | 'none';
  shell_type: 'default' | 'local' | 'unified_exec' | 'disabled' | 'shell_command';
  base_instructions: string;
  supported_reasoning_levels: CodexReasoningLevel[];
  supports_reasoning_summaries: boolean;
  default_reasoning_summary: string;
  support_verbosity: boolean;
  default_verbosity: string | null;
  /** `freeform` makes Codex offer `apply_patch` as a `custom` tool (with a grammar); null: no apply_patch. */
  apply_patch_tool_type: 'freeform' | 'function' | null;
  /** How Codex cuts tool outputs before it sends them to the model. */
  truncation_policy: { mode: 'bytes' | 'tokens'; limit: number };
  supports_parallel_tool_calls: boolean;
  input_modalities: Array<'text' | 'image'>;
  /** The upstream's `max_model_len`, when it says. */
  context_window?: number;
  effective_context_window_percent: number;
  experimental_supported_tools: string[];
  upgrade: null;
}

/** The fields, and anything else a `codexModels` override sets, passed on as given. */
export type CodexModelInfo = CodexModelInfoFields & Record<string, unknown>;

/** The model as the gateway knows it: its id, and its context window when the upstream says. */
export interface CodexModelSource {
  id: string;
  contextWindow?: number;
}

/** What every model says unless `codexModels` overrides it. */
export const CODEX_MODEL_DEFAULTS: Readonly<Omit<CodexModelInfoFields, 'slug' | 'display_name' | 'description' | 'context_window'>> = {
  supported_in_api: true,
  priority: 1,
  visibility: 'list',
  shell_type: 'shell_command',
  base_instructions: 'You are a coding agent working in the user\'s workspace. Use the tools you are given to read files, run commands and change code, then answer briefly with what you did.',
  supported_reasoning_levels: [
    { effort: 'low', description: 'Fast answers with little reasoning' },
    { effort: 'medium', description: 'Balanced reasoning and speed' },
    { effort: 'high', description: 'Deeper reasoning for hard problems' },
  ],
  supports_reasoning_summaries: false,
  default_reasoning_summary: 'auto',
  support_verbosity: false,
  default_verbosity: null,
  apply_patch_tool_type: 'freeform',
  truncation_policy: { mode: 'bytes', limit: 10_000 },
  supports_parallel_tool_calls: true,
  input_modalities: ['text'],
  effective_context_window_percent: 95,
  experimental_supported_tools: [],
  upgrade: null,
};

/** Codex's `ModelInfo` for a model: the defaults, its context window, then its override's fields. */
export function toCodexModelInfo(model: CodexModelSource, override: Readonly<Record<string, unknown>> = {}): CodexModelInfo {
  const info: CodexModelInfo = {
    ...structuredClone(CODEX_MODEL_DEFAULTS),
    slug: model.id,
    display_name: model.id,
    description: null,
    ...(model.contextWindow === undefined ? {} : { context_window: model.contextWindow }),
  };
  // The slug is how Codex names the model in requests: always the id the gateway serves.
  return { ...info, ...override, slug: model.id };
}
