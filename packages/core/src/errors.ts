import { brandError, errorMarker, hasErrorMarker, type BrandedErrorClass } from './error-brand.js';

/**
 * Every error core throws is an `AgentportError` with a stable `code`, so callers branch on
 * the code and never on message text. Model errors live in `model/model-error.ts`.
 */
export class AgentportError extends Error {
  /** Each subclass declares its own; `is()` looks for it (see `error-brand.ts`). */
  static readonly marker: symbol = errorMarker('@agentport/core/AgentportError');

  /**
   * Whether `value` is an error of this class or a subclass, made by any installed copy of
   * its package: use it instead of `instanceof` for errors that cross a package boundary.
   */
  static is<T>(this: BrandedErrorClass<T>, value: unknown): value is T {
    return hasErrorMarker(value, this.marker);
  }

  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    brandError(this, new.target);
  }
}

/** A plugin or app was given configuration that does not fit its schema. */
export class ConfigError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/ConfigError');

  /** Every problem found, each naming the env var that sets the value. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('invalid_config', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** A port has no implementation bound at start. */
export class MissingPortError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/MissingPortError');

  constructor(readonly port: string, readonly providedBy: string) {
    super('missing_port', `no ${port} is configured: add a plugin that provides it (${providedBy})`);
  }
}

/** Two plugins with the same name, a plugin that fails to register or start, and the like. */
export class PluginError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/PluginError');

  constructor(readonly plugin: string, message: string, options?: ErrorOptions) {
    super('plugin_error', `plugin "${plugin}": ${message}`, options);
  }
}

/** A server tool ran past its time limit. */
export class ToolTimeoutError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/ToolTimeoutError');

  constructor(readonly tool: string, readonly timeoutMs: number) {
    super('tool_timeout', `tool "${tool}" timed out after ${timeoutMs} ms`);
  }
}

/** A tool is called that is disabled or not on the allowlist. */
export class ToolNotAllowedError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/ToolNotAllowedError');

  constructor(readonly tool: string) {
    super('tool_not_allowed', `tool "${tool}" is not enabled`);
  }
}

/**
 * A request's hosted tool config that a tool provider refuses (an unknown MCP server label, a
 * `server_url` whose host is not allowed). Thrown while tools are listed, before anything is
 * stored; a gateway answers it as a 400 naming `param`.
 */
export class InvalidToolRequestError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/InvalidToolRequestError');

  constructor(code: string, message: string, readonly param: string | null = null) {
    super(code, message);
  }
}

/** A stored object that the tenant asking for it does not own, or that does not exist. */
export class NotFoundError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/NotFoundError');

  constructor(readonly kind: 'response' | 'conversation' | 'item', readonly id: string) {
    super(`${kind}_not_found`, `${kind} "${id}" not found`);
  }
}

/** A state change that conflicts with what is stored (e.g. a response that already ended). */
export class ConflictError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/ConflictError');

  constructor(message: string) {
    super('conflict', message);
  }
}
