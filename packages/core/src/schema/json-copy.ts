/**
 * A deep copy of JSON data: plain objects, arrays and primitives (a key whose value is
 * `undefined` stays, as with `structuredClone`). For the small objects copied per response and
 * per item on the streaming path it is several times faster than `structuredClone`, which
 * serializes. Not for class instances, dates, maps or cycles.
 */
export function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index += 1) copy[index] = copyJson(value[index]);
    return copy as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy as T;
}
