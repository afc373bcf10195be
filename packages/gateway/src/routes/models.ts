import type { ModelCatalogEntry } from '@agentport/core';
import type { FastifyInstance } from 'fastify';
import { type CodexModelInfo, toCodexModelInfo } from '../codex/codex-model-info.js';
import { modelNotFound } from '../errors.js';
import type { GatewayContext } from '../http/gateway-context.js';
import type { RouteRegistrar } from '../http/gateway-server.js';
import { withTimeout } from '../http/with-timeout.js';

/** A model the gateway serves, before it is put in any API's shape. */
export interface KnownModel {
  id: string;
  ownedBy: string;
  /** Where it comes from: the upstream's catalog, or a registered agent (served under its own name). */
  source: 'upstream' | 'agent';
  /** The longest context the upstream accepts, when the catalog says. */
  contextWindow?: number;
}

/** `GET /v1/models` in OpenAI's shape. */
export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * `GET /v1/models` and `GET /v1/models/{id}`: the upstream catalog's models and every
 * registered agent. Listing never fails because the upstream does: it then answers with what
 * it knew (the last list the catalog gave, and the agents) and logs a warning.
 *
 * Listing is split in two steps on purpose: `KnownModels.list()` finds the models, and a
 * renderer puts them in a client's shape. OpenAI's list is `toOpenAiModel`; Codex asks with
 * `?client_version=…` and gets `{ models: [ModelInfo…] }` from `toCodexModelInfo`, with the
 * `codexModels` overrides of the gateway config.
 */
export const registerModelRoutes: RouteRegistrar = (app: FastifyInstance, ctx: GatewayContext): void => {
  const known = new KnownModels(ctx, ctx.config.modelListTimeoutMs);
  // Catalog entries carry no creation time: the gateway's start stands in for it, stable across calls.
  const created = Math.floor(Date.now() / 1000);

  app.get<{ Querystring: { client_version?: string } }>('/models', async (request, reply) => {
    const models = await known.list();
    if (request.query.client_version !== undefined) {
      const overrides = ctx.config.codexModels;
      const catalog: { models: CodexModelInfo[] } = { models: models.map((model) => toCodexModelInfo(model, overrides[model.id])) };
      return reply.send(catalog);
    }
    return reply.send({ object: 'list', data: models.map((model) => toOpenAiModel(model, created)) });
  });

  // A wildcard, not `:id`: vLLM model names hold slashes (`Qwen/Qwen3-8B`), sent encoded or not.
  app.get<{ Params: { '*': string } }>('/models/*', async (request, reply) => {
    const id = request.params['*'];
    const models = await known.list();
    const model = models.find((candidate) => candidate.id === id);
    if (!model) throw modelNotFound(id, models.map((candidate) => candidate.id));
    return reply.send(toOpenAiModel(model, created));
  });
};

export function toOpenAiModel(model: KnownModel, created: number): OpenAiModel {
  return { id: model.id, object: 'model', created, owned_by: model.ownedBy };
}

/** The models the gateway serves right now; remembers the catalog's last answer for when it fails. */
class KnownModels {
  private lastCatalog: ModelCatalogEntry[] = [];

  constructor(private readonly ctx: GatewayContext, private readonly timeoutMs: number) {}

  async list(): Promise<KnownModel[]> {
    const agentNames = this.ctx.agents.agentNames();
    const agentSet = new Set(agentNames);
    // A registered agent answers its own name before the upstream does, so it is listed as the agent.
    const upstream: KnownModel[] = (await this.catalogEntries())
      .filter((entry) => !agentSet.has(entry.id))
      .map((entry) => ({
        id: entry.id, ownedBy: entry.ownedBy ?? 'vllm', source: 'upstream',
        ...(entry.contextWindow === undefined ? {} : { contextWindow: entry.contextWindow }),
      }));
    const agents: KnownModel[] = agentNames.map((name) => ({ id: name, ownedBy: 'agentport', source: 'agent' }));
    return [...upstream, ...agents];
  }

  private async catalogEntries(): Promise<ModelCatalogEntry[]> {
    const catalog = this.ctx.catalog;
    if (!catalog) return [];
    try {
      const entries = await withTimeout(catalog.listModels({ signal: AbortSignal.timeout(this.timeoutMs) }), this.timeoutMs);
      this.lastCatalog = uniqueById(entries);
    } catch (error) {
      this.ctx.logger.warn({
        error: error instanceof Error ? error.message : String(error),
        known: this.lastCatalog.map((entry) => entry.id),
      }, 'the upstream did not list its models; listing the models known so far');
    }
    return this.lastCatalog;
  }
}

function uniqueById(entries: readonly ModelCatalogEntry[]): ModelCatalogEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
}
