/**
 * A typed handle for a port in the container. `providedBy` is what the start check prints
 * when nothing is bound to it.
 */
export interface PortToken<T> {
  readonly id: symbol;
  readonly name: string;
  readonly providedBy: string;
  /** Several bindings (tool providers, agents) instead of exactly one. */
  readonly multiple: boolean;
  /** Carries `T` for type inference only; never set. */
  readonly __type?: T;
}

export function definePort<T>(name: string, options: { providedBy: string; multiple?: boolean }): PortToken<T> {
  return { id: Symbol.for(`agentport.${name}`), name, providedBy: options.providedBy, multiple: options.multiple ?? false };
}
