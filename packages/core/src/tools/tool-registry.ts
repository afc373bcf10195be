import { InvalidToolRequestError, ToolNotAllowedError, ToolTimeoutError } from '../errors.js';
import type { ServerTool, Tool, ToolContext, ToolResult } from './tool.js';
import { DEFAULT_TOOL_POLICY, type ToolPolicy, type ToolRegistryOptions } from './tool-policy.js';
import type { RequestedTool, ToolListContext, ToolProvider } from './tool-provider.js';
import { Semaphore } from './semaphore.js';

/**
 * Collects the tools of every provider and hands them out under their policy: disabled or
 * non-allowlisted tools are left out, and each server tool's `execute` is wrapped with its
 * time limit, output cap and concurrency limit. The agent loop never sees a raw tool.
 */
export class ToolRegistry {
  private readonly providers: ToolProvider[];
  private readonly defaults: ToolPolicy;
  private readonly allowlist: ReadonlySet<string> | undefined;
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(providers: readonly ToolProvider[], private readonly options: ToolRegistryOptions = {}) {
    this.providers = [...providers];
    this.defaults = { ...DEFAULT_TOOL_POLICY, ...options.defaults };
    this.allowlist = options.allowlist ? new Set(options.allowlist) : undefined;
  }

  /** Request tool types some provider serves. */
  get hostedToolTypes(): ReadonlySet<string> {
    return new Set(this.providers.flatMap((provider) => provider.servesToolTypes ?? []));
  }

  policyOf(name: string): ToolPolicy {
    return { ...this.defaults, ...this.options.policies?.[name] };
  }

  isAllowed(name: string): boolean {
    return this.policyOf(name).enabled && (this.allowlist === undefined || this.allowlist.has(name));
  }

  /**
   * Every allowed tool of every provider, server tools wrapped with their policy. A requested
   * hosted tool that no provider owns (see `ToolProvider.ownsRequestedTool`) is an
   * `InvalidToolRequestError`.
   */
  async listTools(ctx: ToolListContext): Promise<Tool[]> {
    for (const requested of ctx.requestedTools ?? []) this.assertServed(requested);
    const lists = await Promise.all(this.providers.map((provider) => provider.listTools(ctx)));
    const tools = lists.flat().filter((tool) => this.isAllowed(tool.name));
    assertUniqueNames(tools);
    return tools.map((tool) => this.withPolicy(tool));
  }

  private assertServed(requested: RequestedTool): void {
    const providers = this.providers.filter((provider) => provider.servesToolTypes?.includes(requested.type));
    if (providers.length === 0 || !providers.every((provider) => provider.ownsRequestedTool)) return;
    if (providers.some((provider) => provider.ownsRequestedTool!(requested))) return;
    const label = requested.config.server_label;
    const which = typeof label === 'string' ? ` with server_label '${label}'` : '';
    throw new InvalidToolRequestError('unknown_hosted_tool', `No '${requested.type}' tool${which} is served here.`, 'tools');
  }

  /** Wraps a tool so that its calls keep its policy. Client tools pass through. */
  withPolicy<T extends Tool>(tool: T): T {
    if (tool.execution !== 'server') return tool;
    const execute = tool.execute.bind(tool);
    const run = (args: unknown, ctx: ToolContext) => this.runUnderPolicy(tool, execute, args, ctx);
    return { ...tool, execute: run } as T;
  }

  private async runUnderPolicy(
    tool: ServerTool,
    execute: ServerTool['execute'],
    args: unknown,
    ctx: ToolContext,
  ): Promise<ToolResult> {
    if (!this.isAllowed(tool.name)) throw new ToolNotAllowedError(tool.name);
    const policy = this.policyOf(tool.name);
    const release = await this.semaphoreOf(tool.name, policy).acquire(ctx.signal);
    const limit = new AbortController();
    const signal = AbortSignal.any([ctx.signal, limit.signal]);
    const timer = setTimeout(() => limit.abort(new ToolTimeoutError(tool.name, policy.timeoutMs)), policy.timeoutMs);
    try {
      // A tool that ignores its signal is abandoned when the signal fires rather than awaited.
      const result = await raceWithSignal(execute(args, { ...ctx, signal }), signal);
      return capOutput(result, policy.maxOutputChars);
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  private semaphoreOf(name: string, policy: ToolPolicy): Semaphore {
    let semaphore = this.semaphores.get(name);
    if (!semaphore) {
      semaphore = new Semaphore(policy.maxConcurrency);
      this.semaphores.set(name, semaphore);
    }
    return semaphore;
  }
}

function capOutput(result: ToolResult, maxChars: number): ToolResult {
  if (result.output.length <= maxChars) return result;
  const cut = result.output.length - maxChars;
  return { ...result, output: `${result.output.slice(0, maxChars)}\n[output truncated: ${cut} more characters]` };
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

/** Two tools of one name would make a model's call ambiguous: the request is refused instead. */
export function assertUniqueNames(tools: readonly Tool[]): void {
  const seen = new Set<string>();
  for (const tool of tools) {
    if (seen.has(tool.name)) {
      throw new InvalidToolRequestError('duplicate_tool_name', `Two tools of this request are named '${tool.name}'; tool names must be unique.`, 'tools');
    }
    seen.add(tool.name);
  }
}
