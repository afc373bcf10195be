/** `values` without its undefined fields: providers and models tell "not set" from "set to undefined" in places. */
export function definedFields<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
