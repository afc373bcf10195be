/** What Claude Code needs to talk to an agentport gateway, and nothing else. */
export interface ClaudeGatewaySettings {
  /** The gateway's root, without `/v1` (the Anthropic client appends `/v1/messages`). */
  baseUrl: string;
  /** A gateway key; sent as `x-api-key`, as to Anthropic's API. */
  apiKey: string;
  /** The model every request names: Claude Code's main model and its small, fast one alike. */
  model: string;
  /** Where Claude Code keeps its settings and sessions; a new folder keeps `~/.claude` untouched. */
  configDir: string;
}

/**
 * The environment that points Claude Code at the gateway: its model names replaced by one the
 * gateway serves (or an alias it maps), and every call it would make elsewhere (updates,
 * telemetry, error reports, feedback surveys) switched off.
 */
export function claudeGatewayEnv(settings: ClaudeGatewaySettings): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: settings.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
    ANTHROPIC_API_KEY: settings.apiKey,
    ANTHROPIC_MODEL: settings.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: settings.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: settings.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: settings.model,
    CLAUDE_CODE_SUBAGENT_MODEL: settings.model,
    CLAUDE_CONFIG_DIR: settings.configDir,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
  };
}
