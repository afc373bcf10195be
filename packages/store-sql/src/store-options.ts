import { ConfigError, JsonSchemaValidator, type JsonSchema } from '@agentport/core';

const validator = new JsonSchemaValidator({ maxCachedSchemas: 4 });

/**
 * A store's options given in code, over its defaults, checked against its plugin's config
 * schema (the kernel checks the plugin's config the same way); `owner` names the class in errors.
 * An option set to `undefined` keeps its default.
 */
export function checkedStoreConfig<Config extends object>(schema: JsonSchema, defaults: Readonly<Config>, given: Partial<Config>, owner: string): Config {
  const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const config = { ...defaults, ...set } as Config;
  const checked = validator.validate(schema, config);
  if (!checked.valid) throw new ConfigError(checked.errors.map((error) => `${owner} options: ${error}`));
  return config;
}
