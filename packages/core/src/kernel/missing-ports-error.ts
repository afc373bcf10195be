import { MissingPortError } from '../errors.js';

/**
 * Several ports are unbound at start: one line per port, each naming the package that
 * provides it. Still a `MissingPortError` (code `missing_port`), for the first port, so a
 * caller's `instanceof` or code check does not depend on how many were missing.
 */
export class MissingPortsError extends MissingPortError {
  readonly missing: readonly MissingPortError[];

  constructor(missing: readonly [MissingPortError, ...MissingPortError[]]) {
    const [first] = missing;
    super(first.port, first.providedBy);
    this.message = missing.map((error) => error.message).join('\n');
    this.missing = missing;
  }
}
