import type { Migration } from '@agentport/store-sql';

/** Usage by hour, tenant and model, summed as responses end (what usage reports read). */
export const usageHours: Migration = {
  version: 4,
  name: 'usage-hours',
  statements: [
    'create table "usage_hours" ("hour_start" bigint not null, "tenant" text not null, "model" text not null, '
      + '"responses" bigint not null, "input_tokens" bigint not null, "output_tokens" bigint not null, '
      + '"cached_input_tokens" bigint not null, "reasoning_tokens" bigint not null, "tool_calls" bigint not null, '
      + '"run_ms" bigint not null, constraint "usage_hours_pkey" primary key ("hour_start", "tenant", "model"))',
  ],
};
