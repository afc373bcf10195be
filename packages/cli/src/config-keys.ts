import type { ConfigSection, JsonSchema } from '@agentport/core';

/** One settable key of a config section: `path` is `['level']` for `log.level`, longer when nested. */
export interface ConfigKey {
  readonly section: string;
  readonly path: readonly string[];
  readonly schema: JsonSchema;
}

/**
 * Every key of a section, in schema order. An object with declared `properties` is walked
 * into (its keys are the settable ones); a map (`additionalProperties`) is one key.
 */
export function configKeys(section: ConfigSection): ConfigKey[] {
  return keysUnder(section.name, [], section.configSchema ?? {});
}

function keysUnder(section: string, path: readonly string[], schema: JsonSchema): ConfigKey[] {
  const properties = asSchema(schema.properties);
  if (!properties) return path.length === 0 ? [] : [{ section, path, schema }];
  return Object.entries(properties).flatMap(([key, child]) => keysUnder(section, [...path, key], asSchema(child) ?? {}));
}

function asSchema(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as JsonSchema : undefined;
}

/** `log.level`, `gateway.codexModels`: how the reference and error messages name a key. */
export function keyName(key: ConfigKey): string {
  return [key.section, ...key.path].join('.');
}

/** The keys (and sections) whose schema has no non-empty `description`, by name. */
export function undescribed(sections: readonly ConfigSection[]): string[] {
  const missing: string[] = [];
  for (const section of sections) {
    if (!hasDescription(section.configSchema)) missing.push(`${section.name} (the section)`);
    for (const key of configKeys(section)) if (!hasDescription(key.schema)) missing.push(keyName(key));
  }
  return missing;
}

function hasDescription(schema: JsonSchema | undefined): boolean {
  return typeof schema?.description === 'string' && schema.description.trim() !== '';
}
