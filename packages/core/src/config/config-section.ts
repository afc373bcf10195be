import type { JsonSchema } from '../schema/json-schema.js';

/** What config loading needs of a plugin: its name (the section and env prefix) and schema. */
export interface ConfigSection {
  readonly name: string;
  readonly configSchema?: JsonSchema;
}

/** A plugin without a schema takes no configuration: every key given to it is unknown. */
export const NO_CONFIG_SCHEMA: JsonSchema = { type: 'object', properties: {}, additionalProperties: false };

export function sectionSchema(section: ConfigSection): JsonSchema {
  return section.configSchema ?? NO_CONFIG_SCHEMA;
}
