import type { MetricRegistry } from '../metrics/metric-registry.js';
import type { JsonSchema } from '../schema/json-schema.js';
import type { Logger } from './logger.js';
import type { PortToken } from './port-token.js';

/** What a plugin sees while it registers and starts. */
export interface PluginContext<Config> {
  /** This plugin's configuration: defaults, config file, env vars, overrides, validated. */
  readonly config: Config;
  readonly logger: Logger;
  /** The app's metrics (served at the gateway's `/metrics`): register what this plugin measures. */
  readonly metrics: MetricRegistry;
  /** Binds a value to a port (added to the list for a multiple port). */
  bind<T>(port: PortToken<T>, value: T): void;
  readonly resolve: PortResolver;
}

export interface PortResolver {
  get<T>(port: PortToken<T>): T;
  tryGet<T>(port: PortToken<T>): T | undefined;
  getAll<T>(port: PortToken<T>): T[];
}

/**
 * A plugin binds implementations to ports. Its `name` is also its config section and env
 * prefix: plugin `vllm` reads `AGENTPORT_VLLM__…`.
 */
export interface Plugin<Config = Record<string, unknown>> {
  readonly name: string;
  /** JSON Schema of the config section, with `default`s; checked at start. */
  readonly configSchema?: JsonSchema;
  /** Ports that must be bound (by any plugin) for this plugin to start. */
  readonly requires?: readonly PortToken<unknown>[];
  register(ctx: PluginContext<Config>): void | Promise<void>;
  /** Called in plugin order after every plugin registered and the start checks passed. */
  start?(ctx: PluginContext<Config>): Promise<void>;
  /** Called in reverse order by `app.stop()`. */
  stop?(): Promise<void>;
}
