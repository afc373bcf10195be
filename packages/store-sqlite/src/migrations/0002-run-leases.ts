import type { Migration } from './migration.js';

/** Run ownership: each running response names the instance that runs it, and each instance keeps a heartbeat. */
export const runLeases: Migration = {
  version: 2,
  name: 'run-leases',
  statements: [
    'alter table `responses` add column `owner` text null',
    'create table `store_instances` (`id` text not null, `heartbeat_at` integer not null, primary key (`id`))',
  ],
};
