// The shape is shared by every SQL store; this package's migrations hold SQLite statements.
export type { Migration } from '@agentport/store-sql';
