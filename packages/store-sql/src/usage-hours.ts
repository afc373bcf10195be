import type { UsageHour, UsageQuery } from '@agentport/core';
import type { Kysely } from 'kysely';
import type { StoreTables, UsageHourRow } from './schema/store-tables.js';

const COUNTS = ['responses', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'reasoning_tokens', 'tool_calls', 'run_ms'] as const;

/** Adds each hour's figures to its row, creating the row the first time (an upsert: one statement per hour). */
export async function addUsageHours(db: Kysely<StoreTables>, hours: readonly UsageHour[]): Promise<void> {
  for (const hour of hours) {
    await db.insertInto('usage_hours').values(usageRow(hour))
      .onConflict((conflict) => conflict.columns(['hour_start', 'tenant', 'model']).doUpdateSet((eb) => Object.fromEntries(
        COUNTS.map((column) => [column, eb(`usage_hours.${column}`, '+', eb.ref(`excluded.${column}`))]),
      )))
      .execute();
  }
}

export async function readUsageHours(db: Kysely<StoreTables>, query: UsageQuery): Promise<UsageHour[]> {
  let select = db.selectFrom('usage_hours').selectAll()
    .where('hour_start', '>=', query.from)
    .where('hour_start', '<', query.to);
  if (query.tenant !== undefined) select = select.where('tenant', '=', query.tenant);
  const rows = await select.orderBy('hour_start').orderBy('tenant').orderBy('model').execute();
  return rows.map(usageHour);
}

function usageRow(hour: UsageHour): UsageHourRow {
  return {
    hour_start: hour.hourStart, tenant: hour.tenant, model: hour.model, responses: hour.responses, input_tokens: hour.inputTokens,
    output_tokens: hour.outputTokens, cached_input_tokens: hour.cachedInputTokens, reasoning_tokens: hour.reasoningTokens,
    tool_calls: hour.toolCalls, run_ms: hour.runMs,
  };
}

function usageHour(row: UsageHourRow): UsageHour {
  return {
    hourStart: Number(row.hour_start), tenant: row.tenant, model: row.model, responses: Number(row.responses), inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens), cachedInputTokens: Number(row.cached_input_tokens), reasoningTokens: Number(row.reasoning_tokens),
    toolCalls: Number(row.tool_calls), runMs: Number(row.run_ms),
  };
}
