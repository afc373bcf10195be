export * from './errors.js';
export * from './store-config.js';
export * from './sqlite-state-store.js';
export * from './sqlite-store-plugin.js';
export { IN_MEMORY_PATH } from './sqlite-database.js';
export { MIGRATIONS_TABLE, readSchemaVersion, type MigrationOutcome } from '@agentport/store-sql';
export { SQLITE_MIGRATION_DIALECT } from './migrations/migration-dialect.js';
export type { Migration } from './migrations/migration.js';
export { STORE_MIGRATIONS, STORE_SCHEMA_VERSION } from './migrations/store-migrations.js';
// The tables are the same for every SQL store; re-exported for this package's users.
export {
  SERVER_RESTARTED, STORE_ENTITIES, ConversationEntity, ResponseEntity, RESPONSE_STATUSES, ItemEntity, ITEM_ROLES, ResponseEventEntity,
} from '@agentport/store-sql';
export * from './error-catalogue.js';
