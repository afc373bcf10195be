import type { Agent } from '@agentport/core';
import { invalidRequest } from '../errors.js';

/**
 * Which agent serves a request's `model`: a registered agent under its own name, otherwise
 * the default agent over the upstream model (clients such as Codex send model names of
 * their own choosing). Without a default, an unknown name is a 400.
 */
export class AgentDirectory {
  private readonly byName: ReadonlyMap<string, Agent>;

  constructor(agents: readonly Agent[], private readonly defaultAgent: Agent | undefined) {
    this.byName = new Map(agents.map((agent) => [agent.name, agent]));
  }

  resolve(model: string): Agent {
    const agent = this.byName.get(model) ?? this.defaultAgent;
    if (!agent) {
      throw invalidRequest('model', `The model '${model}' does not exist. Available: ${[...this.byName.keys()].join(', ') || 'none'}.`, 'model_not_found');
    }
    return agent;
  }

  /** The names of the registered agents, for `/v1/models`. */
  agentNames(): string[] {
    return [...this.byName.keys()];
  }
}
