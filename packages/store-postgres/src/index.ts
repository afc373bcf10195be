export * from './errors.js';
export * from './error-catalogue.js';
export * from './store-config.js';
export * from './postgres-state-store.js';
export * from './postgres-store-plugin.js';
export * from './postgres-response-signals.js';
export { POSTGRES_MIGRATION_DIALECT } from './migrations/migration-dialect.js';
export { STORE_MIGRATIONS, STORE_SCHEMA_VERSION } from './migrations/store-migrations.js';
export { MIGRATIONS_TABLE, readSchemaVersion, type MigrationOutcome, type Migration, SERVER_RESTARTED } from '@agentport/store-sql';
