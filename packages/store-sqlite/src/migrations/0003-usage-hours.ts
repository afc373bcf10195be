import type { Migration } from './migration.js';

/** Usage by hour, tenant and model, summed as responses end (what usage reports read). */
export const usageHours: Migration = {
  version: 3,
  name: 'usage-hours',
  statements: [
    'create table `usage_hours` (`hour_start` integer not null, `tenant` text not null, `model` text not null, '
      + '`responses` integer not null, `input_tokens` integer not null, `output_tokens` integer not null, '
      + '`cached_input_tokens` integer not null, `reasoning_tokens` integer not null, `tool_calls` integer not null, '
      + '`run_ms` integer not null, primary key (`hour_start`, `tenant`, `model`))',
  ],
};
