/**
 * Error identity that survives two installed copies of a package: `instanceof` compares class
 * objects, so an error made by another copy of core fails it. Every agentport error instead
 * carries the shared brand and one marker per class of its chain, all `Symbol.for` keys, and a
 * class's static `is()` looks for its own marker (the AI SDK's `isInstance()` does the same).
 */
export const ERROR_BRAND: unique symbol = Symbol.for('agentport.error') as never;

/** The marker of one error class: `<package>/<ClassName>`, e.g. `@agentport/core/ConfigError`. */
export function errorMarker(id: string): symbol {
  return Symbol.for(`agentport.error:${id}`);
}

/** What `is()` needs of a class: its own marker (declared as `static readonly marker`). */
export interface BrandedErrorClass<T> {
  readonly prototype: T;
  readonly marker: symbol;
}

/** Sets the brand and the marker of every class from `leaf` up to the root on `error`. */
export function brandError(error: object, leaf: Function): void {
  Object.defineProperty(error, ERROR_BRAND, { value: true });
  for (let type: unknown = leaf; typeof type === 'function'; type = Object.getPrototypeOf(type)) {
    if (!Object.hasOwn(type, 'marker')) continue;
    const marker: unknown = Reflect.get(type, 'marker');
    if (typeof marker === 'symbol') Object.defineProperty(error, marker, { value: true });
  }
}

/** Whether `value` is an agentport error (of any package, from any copy). */
export function isBrandedError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_BRAND] === true;
}

/** Whether `value` carries `marker`, i.e. was made by that class or a subclass, in any copy. */
export function hasErrorMarker(value: unknown, marker: symbol): boolean {
  return isBrandedError(value) && (value as Record<symbol, unknown>)[marker] === true;
}
