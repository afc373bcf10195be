import { dottedPath, type ConfigEntry, type ConfigSource } from './config-entry.js';

/** Where the value a problem is about came from. */
export type ValueOrigin =
  | { readonly kind: 'entry'; readonly entry: ConfigEntry }
  /** Filled in from the schema's `default`. */
  | { readonly kind: 'default' }
  /** An object whose keys came from several places. */
  | { readonly kind: 'several' };

/** `set in the config file /etc/agentport.json at vllm.maxConnections`, for a problem's message. */
export function describeSource(source: ConfigSource, plugin: string, path: readonly string[]): string {
  switch (source.kind) {
    case 'file':
      return `set in the config file ${source.file} at ${dottedPath(plugin, path)}`;
    case 'override':
      return `set in the overrides at ${dottedPath(plugin, path)}`;
    case 'env':
      return `set in ${source.name}`;
  }
}

/**
 * What a problem says about the offending value: the env text as written when an env var
 * set exactly this value, else the value and where it was set.
 */
export function describeGot(value: unknown, origin: ValueOrigin, path: readonly string[]): string {
  if (value === undefined) return '';
  const shown = JSON.stringify(value) ?? String(value);
  switch (origin.kind) {
    case 'default':
      return ` (got ${shown}, the schema's default)`;
    case 'several':
      return ` (got ${shown})`;
    case 'entry': {
      const { source, plugin, path: setAt } = origin.entry;
      if (source.kind === 'env' && source.path.length === path.length) return ` (got ${JSON.stringify(source.text)})`;
      return ` (got ${shown}, ${describeSource(source, plugin, setAt)})`;
    }
  }
}
