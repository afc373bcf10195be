import type { Agent } from '@agentport/core';
import { modelNotFound } from '../errors.js';
import type { UpstreamModelNames } from './upstream-model-names.js';

/** The name in `modelAliases` that stands for every name nothing else serves. */
export const CATCH_ALL_MODEL = '*';

export interface AgentDirectoryOptions {
  /** Extra names → a served name (an agent's, or the upstream's); `*` serves every other name. */
  aliases?: Readonly<Record<string, string>>;
  /** The upstream's own model names, which the default agent answers; without it, only the default agent's name. */
  upstreamNames?: UpstreamModelNames | undefined;
}

/**
 * Which agent serves a request's `model`: a registered agent under its own name; the default
 * agent (over the upstream model) under the upstream's model names and its own (with or
 * without the provider prefix of the model's id); a configured
 * alias as the name it points at. Serving any other name is an explicit choice (the alias
 * `*`); without it an unknown name is a 404 `model_not_found` listing what is served.
 */
export class AgentDirectory {
  private readonly byName: ReadonlyMap<string, Agent>;
  private readonly aliases: Readonly<Record<string, string>>;
  private readonly upstreamNames: UpstreamModelNames | undefined;

  constructor(agents: readonly Agent[], private readonly defaultAgent: Agent | undefined, options: AgentDirectoryOptions = {}) {
    this.byName = new Map(agents.map((agent) => [agent.name, agent]));
    this.aliases = options.aliases ?? {};
    this.upstreamNames = options.upstreamNames;
  }

  async resolve(model: string): Promise<Agent> {
    const direct = await this.served(model);
    if (direct) return direct;
    const target = Object.hasOwn(this.aliases, model) ? this.aliases[model] : this.aliases[CATCH_ALL_MODEL];
    // An alias names an agent, or else the upstream model (the default agent).
    const aliased = target === undefined ? undefined : this.byName.get(target) ?? this.defaultAgent;
    if (aliased) return aliased;
    throw modelNotFound(model, await this.servedNames());
  }

  /** Whether an upstream model's default agent is there (it answers the upstream's names). */
  get hasDefaultAgent(): boolean {
    return this.defaultAgent !== undefined;
  }

  /** The name a request without `model` means, where the route allows that: the default agent's. */
  get defaultModelName(): string | undefined {
    return this.defaultAgent?.name;
  }

  /** The names of the registered agents, for `/v1/models`. */
  agentNames(): string[] {
    return [...this.byName.keys()];
  }

  private async served(model: string): Promise<Agent | undefined> {
    const agent = this.byName.get(model);
    if (agent) return agent;
    if (!this.defaultAgent) return undefined;
    if (this.defaultNames().includes(model)) return this.defaultAgent;
    if (this.upstreamNames && await this.upstreamNames.has(model)) return this.defaultAgent;
    return undefined;
  }

  /** The default agent's own names: the model's id (`vllm:Qwen/Qwen3-8B`) and the name without its provider (`Qwen/Qwen3-8B`). */
  private defaultNames(): string[] {
    const name = this.defaultAgent?.name;
    if (name === undefined) return [];
    const colon = name.indexOf(':');
    return colon > 0 && colon < name.length - 1 ? [name.slice(colon + 1), name] : [name];
  }

  /** What a `model_not_found` lists: the upstream's models, the agents, and the aliases. */
  private async servedNames(): Promise<string[]> {
    const upstream = this.defaultAgent ? [...(this.upstreamNames ? await this.upstreamNames.list() : []), ...this.defaultNames()] : [];
    const aliases = Object.keys(this.aliases).filter((name) => name !== CATCH_ALL_MODEL);
    return [...new Set([...upstream, ...this.byName.keys(), ...aliases])];
  }
}
