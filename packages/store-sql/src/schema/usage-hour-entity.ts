import { defineEntity, p } from '@mikro-orm/core';
import { Int64Type } from './int64-type.js';

/**
 * What one tenant used of one model in one hour (`hour_start`, Unix seconds): the rows usage
 * reports are summed from. Keyed by the hour first, so a time range is one index range.
 */
export const UsageHourEntity = defineEntity({
  name: 'UsageHour',
  tableName: 'usage_hours',
  properties: {
    hourStart: p.type(Int64Type).primary(),
    tenant: p.text().primary(),
    model: p.text().primary(),
    responses: p.type(Int64Type),
    inputTokens: p.type(Int64Type),
    outputTokens: p.type(Int64Type),
    cachedInputTokens: p.type(Int64Type),
    reasoningTokens: p.type(Int64Type),
    toolCalls: p.type(Int64Type),
    runMs: p.type(Int64Type),
  },
});
