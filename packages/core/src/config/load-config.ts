import { ConfigError, PluginError } from '../errors.js';
import { flattenToEntries, jsonPointer, type ConfigEntry } from './config-entry.js';
import { readConfigFile, type ConfigFile } from './config-file-reader.js';
import { mergeEntries } from './config-merge.js';
import { sectionSchema, type ConfigSection } from './config-section.js';
import { ConfigValidator } from './config-validation.js';
import { readEnvConfig } from './env-config-reader.js';
import { CONFIG_FILE_ENV } from './env-names.js';
import { findUnknownKeys, type UnknownKey } from './unknown-config-keys.js';

export interface ConfigOptions {
  /** A JSON file `{ "<pluginName>": { … } }`; when absent, the file named by `AGENTPORT_CONFIG`, if any. */
  readonly file?: string;
  /** The env vars to read `AGENTPORT_<PLUGIN>__<KEY>` from; `process.env` when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Values set in code, per plugin, above every other source (CLI flags go here). */
  readonly overrides?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface LoadedConfig {
  /** Each plugin's validated section, defaults filled in, by plugin name. */
  readonly sections: ReadonlyMap<string, Record<string, unknown>>;
  /** Things worth a log line that are not errors (a file section no plugin reads). */
  readonly warnings: readonly string[];
}

/**
 * Builds every plugin's config from, lowest first: schema defaults, the config file, env
 * vars, overrides. Every problem of every plugin is gathered into one `ConfigError`, each
 * named by the env var that sets the value. A plugin whose schema does not compile is a
 * `PluginError`: that is the plugin's bug, not the user's.
 */
export async function loadConfig(
  sections: readonly ConfigSection[],
  options: ConfigOptions = {},
  signal?: AbortSignal,
): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const validator = new ConfigValidator();
  for (const section of sections) {
    try {
      validator.compile(sectionSchema(section));
    } catch (error) {
      throw new PluginError(section.name, `its configSchema does not compile: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  const filePath = options.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  const file = filePath === undefined ? undefined : await readConfigFile(filePath, signal);
  const names = new Set(sections.map((section) => section.name));
  const warnings = [...(file?.sections.keys() ?? [])]
    .filter((name) => !names.has(name))
    .map((name) => `config file ${file?.file ?? ''}: section "${name}" matches no plugin of this app; it is ignored`);

  const problems: string[] = Object.keys(options.overrides ?? {})
    .filter((name) => !names.has(name))
    .map((name) => `overrides: no plugin named "${name}" in this app (plugins: ${[...names].join(', ')})`);
  const fromEnv = readEnvConfig(sections, env);
  problems.push(...fromEnv.problems);

  const loaded = new Map<string, Record<string, unknown>>();
  for (const section of sections) {
    const schema = sectionSchema(section);
    const written = [...fileEntries(file, section.name), ...overrideEntries(options.overrides, section.name)];
    const unknown = findUnknownKeys(section.name, schema, written);
    problems.push(...unknown.map((key) => key.problem));
    const failed = fromEnv.failed.filter((failure) => failure.plugin === section.name);
    const skip = new Set([...unknown, ...failed].map((item) => jsonPointer(item.path)));
    const entries = [
      ...written.filter((entry) => entry.source.kind === 'file' && isKnown(entry, unknown)),
      ...fromEnv.entries.filter((entry) => entry.plugin === section.name),
      ...written.filter((entry) => entry.source.kind === 'override' && isKnown(entry, unknown)),
    ];
    const merged = mergeEntries(entries);
    problems.push(...validator.validate(section.name, schema, merged, skip));
    loaded.set(section.name, merged.value);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { sections: loaded, warnings };
}

/** Entries under an unknown key are dropped: the key is reported once, its value is not checked. */
function isKnown(entry: ConfigEntry, unknown: readonly UnknownKey[]): boolean {
  const pointer = jsonPointer(entry.path);
  return !unknown.some((key) => {
    const at = jsonPointer(key.path);
    return pointer === at || pointer.startsWith(`${at}/`);
  });
}

function fileEntries(file: ConfigFile | undefined, plugin: string): ConfigEntry[] {
  const section = file?.sections.get(plugin);
  if (!file || !section) return [];
  return flattenToEntries(plugin, [], section, { kind: 'file', file: file.file }).filter((entry) => entry.path.length > 0);
}

function overrideEntries(overrides: ConfigOptions['overrides'], plugin: string): ConfigEntry[] {
  const section = overrides?.[plugin];
  if (!section) return [];
  return flattenToEntries(plugin, [], section, { kind: 'override' }).filter((entry) => entry.path.length > 0);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
