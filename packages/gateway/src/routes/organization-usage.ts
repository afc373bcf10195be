import { addUsageTotals, SECONDS_PER_HOUR, type UsageHour, type UsageTotals, ZERO_USAGE_TOTALS } from '@agentport/core';
import type { FastifyInstance } from 'fastify';
import { ApiKeyAuthenticator } from '../http/api-key-authenticator.js';
import type { GatewayContext } from '../http/gateway-context.js';
import { requireAdmin } from '../http/admin-access.js';
import { invalidRequest } from '../errors.js';

const SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR;
const BUCKETS = { '1h': { seconds: SECONDS_PER_HOUR, defaultLimit: 24, maxLimit: 168 }, '1d': { seconds: SECONDS_PER_DAY, defaultLimit: 7, maxLimit: 31 } } as const;
type BucketWidth = keyof typeof BUCKETS;
/** `project_id` is the tenant (a key's project, in OpenAI's words). */
const GROUPS = ['project_id', 'model'] as const;
type Group = (typeof GROUPS)[number];

interface UsageQueryString {
  start_time?: string;
  end_time?: string;
  bucket_width?: string;
  group_by?: string | string[];
  'group_by[]'?: string | string[];
  project_ids?: string | string[];
  'project_ids[]'?: string | string[];
  models?: string | string[];
  'models[]'?: string | string[];
  limit?: string;
  page?: string;
}

/**
 * `GET /v1/organization/usage/completions`, as OpenAI's usage API answers it, for an admin key
 * (`adminKeys`; tenant keys get a 403): buckets of 1 hour or 1 day from `start_time`, each with
 * one result per group (`group_by`: `project_id` is the tenant, `model` the agent that served
 * it), paged by `limit` buckets and the `next_page` cursor. Beside OpenAI's fields each result
 * has `reasoning_tokens`, `tool_calls` and `run_seconds`.
 */
export function registerOrganizationUsage(app: FastifyInstance, ctx: GatewayContext, admins: ApiKeyAuthenticator): void {
  app.get<{ Querystring: UsageQueryString }>('/v1/organization/usage/completions', async (request, reply) => {
    requireAdmin(ctx, admins, request.headers.authorization, 'Usage reports');
    const query = parseUsageQuery(request.query);
    const end = Math.min(query.end, query.start + query.limit * BUCKETS[query.width].seconds);
    const hours = await ctx.usage.read({ from: Math.floor(query.start / SECONDS_PER_HOUR) * SECONDS_PER_HOUR, to: end });
    const chosen = hours.filter((hour) => hour.hourStart >= query.start
      && (query.tenants === undefined || query.tenants.has(hour.tenant)) && (query.models === undefined || query.models.has(hour.model)));
    const data = [];
    for (let start = query.start; start < end; start += BUCKETS[query.width].seconds) {
      const bucketEnd = Math.min(start + BUCKETS[query.width].seconds, end);
      data.push({ object: 'bucket', start_time: start, end_time: bucketEnd, results: results(chosen.filter((hour) => hour.hourStart >= start && hour.hourStart < bucketEnd), query.groups) });
    }
    const hasMore = end < query.end;
    return reply.send({ object: 'page', data, has_more: hasMore, next_page: hasMore ? String(end) : null });
  });
}

function results(hours: readonly UsageHour[], groups: ReadonlySet<Group>) {
  const sums = new Map<string, { tenant: string | null; model: string | null; totals: UsageTotals }>();
  for (const hour of hours) {
    const tenant = groups.has('project_id') ? hour.tenant : null;
    const model = groups.has('model') ? hour.model : null;
    const key = JSON.stringify([tenant, model]);
    let sum = sums.get(key);
    if (!sum) sums.set(key, sum = { tenant, model, totals: { ...ZERO_USAGE_TOTALS } });
    addUsageTotals(sum.totals, hour);
  }
  return [...sums.values()].map(({ tenant, model, totals }) => ({
    object: 'organization.usage.completions.result',
    input_tokens: totals.inputTokens,
    output_tokens: totals.outputTokens,
    input_cached_tokens: totals.cachedInputTokens,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    num_model_requests: totals.responses,
    project_id: tenant,
    user_id: null,
    api_key_id: null,
    model,
    batch: null,
    reasoning_tokens: totals.reasoningTokens,
    tool_calls: totals.toolCalls,
    run_seconds: totals.runMs / 1000,
  }));
}

interface ParsedUsageQuery {
  start: number;
  end: number;
  width: BucketWidth;
  limit: number;
  groups: ReadonlySet<Group>;
  tenants?: ReadonlySet<string>;
  models?: ReadonlySet<string>;
}

function parseUsageQuery(query: UsageQueryString): ParsedUsageQuery {
  const width = (query.bucket_width ?? '1d') as BucketWidth;
  if (!(width in BUCKETS)) throw invalidRequest('bucket_width', `bucket_width must be 1h or 1d (usage is kept by the hour), not ${JSON.stringify(query.bucket_width)}.`);
  const given = query.page ?? query.start_time;
  if (given === undefined) throw invalidRequest('start_time', 'start_time (Unix seconds) is required.');
  const start = unixSeconds(given, query.page !== undefined ? 'page' : 'start_time');
  const end = query.end_time === undefined ? Math.floor(Date.now() / 1000) + 1 : unixSeconds(query.end_time, 'end_time');
  if (end <= start) throw invalidRequest('end_time', 'end_time must be after start_time.');
  const { defaultLimit, maxLimit } = BUCKETS[width];
  const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw invalidRequest('limit', `limit must be an integer from 1 to ${maxLimit} for bucket_width ${width}.`);
  const groups = new Set<Group>();
  for (const group of list(query.group_by, query['group_by[]'])) {
    if (!(GROUPS as readonly string[]).includes(group)) throw invalidRequest('group_by', `group_by takes ${GROUPS.join(' and ')}, not ${JSON.stringify(group)}.`);
    groups.add(group as Group);
  }
  const tenants = list(query.project_ids, query['project_ids[]']);
  const models = list(query.models, query['models[]']);
  return { start, end, width, limit, groups, ...(tenants.length > 0 ? { tenants: new Set(tenants) } : {}), ...(models.length > 0 ? { models: new Set(models) } : {}) };
}

function unixSeconds(text: string, param: string): number {
  const value = Number(text);
  if (!/^\d{1,12}$/.test(text) || !Number.isSafeInteger(value)) throw invalidRequest(param, `${param} must be a Unix time in seconds, not ${JSON.stringify(text.slice(0, 40))}.`);
  return value;
}

/** A repeated query parameter, as `a=1&a=2`, `a[]=1&a[]=2`, or a comma-separated `a=1,2`. */
function list(...values: Array<string | string[] | undefined>): string[] {
  return values.flatMap((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
    .flatMap((entry) => entry.split(',')).map((entry) => entry.trim()).filter((entry) => entry !== '');
}
