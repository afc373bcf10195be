import { Container } from 'inversify';
import { loadConfig, type ConfigOptions } from '../config/load-config.js';
import { AgentportError, MissingPortError, PluginError } from '../errors.js';
import { ContainerPortResolver } from './container-port-resolver.js';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from './logger.js';
import { LOG_SECTION, type LogConfig } from './log-section.js';
import { MetricRegistry } from '../metrics/metric-registry.js';
import { MissingPortsError } from './missing-ports-error.js';
import type { Plugin, PluginContext, PortResolver } from './plugin.js';
import type { PortToken } from './port-token.js';
import { TOKENS } from './tokens.js';

/** Any plugin, whatever its config type (methods take their context bivariantly). */
export type AnyPlugin = Plugin<unknown>;

export interface CreateAppOptions {
  /** Registered, started and configured in this order; stopped in reverse. */
  readonly plugins: readonly AnyPlugin[];
  readonly config?: ConfigOptions;
  /**
   * The root logger, used as given (its level too). When absent, createApp makes one at the
   * configured `log.level` (`AGENTPORT_LOG__LEVEL`), writing to `logDestination`.
   */
  readonly logger?: Logger;
  /** Where the logger createApp makes writes; JSON lines on stdout when absent. */
  readonly logDestination?: DestinationStream;
  /** Fields on every line of the logger createApp makes (default `{ name: 'agentport' }`). */
  readonly logBase?: Record<string, unknown>;
}

export interface App extends PortResolver {
  readonly plugins: readonly AnyPlugin[];
  /** Each plugin's validated config, by plugin name. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  /** Runs each plugin's `start` in order; on a failure stops those already started, in reverse. */
  start(): Promise<void>;
  /**
   * Runs each plugin's `stop` in reverse order, at most once per plugin; one plugin's failure
   * is logged and the others are still stopped. Safe to call more than once.
   */
  stop(): Promise<void>;
}

/** The name under which createApp itself binds ports (the logger, the metrics), for duplicate-binding messages. */
const KERNEL_OWNER = 'createApp';

/**
 * Builds an app: loads and validates every plugin's config (all problems at once), lets each
 * plugin register its bindings in order, then checks that every port a plugin requires is
 * bound. Nothing is started yet.
 */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { plugins } = options;
  assertUniqueNames(plugins);

  const loaded = await loadConfig([LOG_SECTION, ...plugins], options.config);
  const logConfig = loaded.sections.get(LOG_SECTION.name) as unknown as LogConfig;
  const logger = options.logger ?? createLogger({
    level: logConfig.level,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
    ...(options.logBase ? { base: options.logBase } : {}),
  });
  for (const warning of loaded.warnings) logger.warn(warning);

  const container = new Container();
  const resolver = new ContainerPortResolver(container);
  const owners = new Map<symbol, string>();
  bindPort(container, owners, KERNEL_OWNER, TOKENS.Logger, logger);
  const metrics = new MetricRegistry();
  bindPort(container, owners, KERNEL_OWNER, TOKENS.Metrics, metrics);

  const registered: RegisteredPlugin[] = [];
  for (const plugin of plugins) {
    const ctx: PluginContext<unknown> = {
      config: loaded.sections.get(plugin.name) ?? {},
      logger: logger.child({ plugin: plugin.name }),
      metrics,
      bind: (port, value) => bindPort(container, owners, plugin.name, port, value),
      resolve: resolver,
    };
    registered.push({ plugin, ctx });
    try {
      await plugin.register(ctx);
    } catch (error) {
      if (AgentportError.is(error)) throw error;
      throw new PluginError(plugin.name, `failed to register: ${messageOf(error)}`, { cause: error });
    }
  }
  assertRequiredPortsBound(plugins, container);

  const sections = new Map(loaded.sections);
  sections.delete(LOG_SECTION.name);
  return new RunningApp(registered, Object.fromEntries(sections), logger, resolver);
}

function bindPort<T>(container: Container, owners: Map<symbol, string>, owner: string, port: PortToken<T>, value: T): void {
  const previous = owners.get(port.id);
  if (!port.multiple && previous !== undefined) {
    throw new PluginError(owner, `${port.name} is already bound by "${previous}"; it takes a single implementation`);
  }
  owners.set(port.id, owner);
  container.bind<T>(port.id).toConstantValue(value);
}

function assertUniqueNames(plugins: readonly AnyPlugin[]): void {
  const seen = new Set<string>([LOG_SECTION.name]);
  for (const plugin of plugins) {
    if (seen.has(plugin.name)) {
      throw new PluginError(plugin.name, plugin.name === LOG_SECTION.name
        ? 'is the name of the kernel\'s own config section (the log level); name the plugin otherwise'
        : 'is listed twice; plugin names must be unique (each names a config section and env prefix)');
    }
    seen.add(plugin.name);
  }
}

function assertRequiredPortsBound(plugins: readonly AnyPlugin[], container: Container): void {
  const missing = new Map<symbol, MissingPortError>();
  for (const plugin of plugins) {
    for (const port of plugin.requires ?? []) {
      if (!container.isBound(port.id) && !missing.has(port.id)) missing.set(port.id, new MissingPortError(port.name, port.providedBy));
    }
  }
  const [first, ...others] = missing.values();
  if (!first) return;
  throw others.length === 0 ? first : new MissingPortsError([first, ...others]);
}

interface RegisteredPlugin {
  readonly plugin: AnyPlugin;
  readonly ctx: PluginContext<unknown>;
}

type Lifecycle =
  | { readonly phase: 'created' }
  | { readonly phase: 'starting' | 'started' | 'failed'; readonly starting: Promise<void> }
  | { readonly phase: 'stopped'; readonly stopping: Promise<void> };

class RunningApp implements App {
  private lifecycle: Lifecycle = { phase: 'created' };
  private readonly stopped = new Set<AnyPlugin>();
  readonly plugins: readonly AnyPlugin[];

  constructor(
    private readonly registered: readonly RegisteredPlugin[],
    readonly config: Readonly<Record<string, unknown>>,
    readonly logger: Logger,
    private readonly resolver: PortResolver,
  ) {
    this.plugins = registered.map(({ plugin }) => plugin);
  }

  get<T>(port: PortToken<T>): T {
    return this.resolver.get(port);
  }

  tryGet<T>(port: PortToken<T>): T | undefined {
    return this.resolver.tryGet(port);
  }

  getAll<T>(port: PortToken<T>): T[] {
    return this.resolver.getAll(port);
  }

  start(): Promise<void> {
    switch (this.lifecycle.phase) {
      case 'created': {
        const starting = this.startPlugins();
        this.lifecycle = { phase: 'starting', starting };
        starting.then(
          () => { if (this.lifecycle.phase === 'starting') this.lifecycle = { phase: 'started', starting }; },
          () => { if (this.lifecycle.phase === 'starting') this.lifecycle = { phase: 'failed', starting }; },
        );
        return starting;
      }
      case 'starting':
      case 'started':
      case 'failed':
        return this.lifecycle.starting;
      case 'stopped':
        return Promise.reject(new AgentportError('app_stopped', 'the app was stopped; create a new one to start again'));
    }
  }

  stop(): Promise<void> {
    if (this.lifecycle.phase === 'stopped') return this.lifecycle.stopping;
    const starting = this.lifecycle.phase === 'created' ? undefined : this.lifecycle.starting;
    // A start in progress finishes (or rolls back) first, so no plugin starts after its stop.
    const stopping = (async () => {
      await starting?.catch(() => undefined);
      await this.stopPlugins([...this.plugins].reverse());
    })();
    this.lifecycle = { phase: 'stopped', stopping };
    return stopping;
  }

  private async startPlugins(): Promise<void> {
    const started: AnyPlugin[] = [];
    for (const { plugin, ctx } of this.registered) {
      try {
        await plugin.start?.(ctx);
      } catch (error) {
        this.logger.error({ plugin: plugin.name, error: messageOf(error) }, 'plugin failed to start; stopping the plugins started before it');
        await this.stopPlugins(started.reverse());
        throw new PluginError(plugin.name, `failed to start: ${messageOf(error)}`, { cause: error });
      }
      started.push(plugin);
    }
  }

  private async stopPlugins(inOrder: readonly AnyPlugin[]): Promise<void> {
    for (const plugin of inOrder) {
      if (this.stopped.has(plugin)) continue;
      this.stopped.add(plugin);
      try {
        await plugin.stop?.();
      } catch (error) {
        this.logger.error({ plugin: plugin.name, error: messageOf(error) }, 'plugin failed to stop');
      }
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
