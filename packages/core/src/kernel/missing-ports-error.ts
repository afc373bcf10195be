import { errorMarker } from '../error-brand.js';
import { MissingPortError } from '../errors.js';

/**
 * Several ports are unbound at start: one line per port, each naming the package that
 * provides it. Still a `MissingPortError` (code `missing_port`), for the first port, so a
 * caller's `MissingPortError.is()` or code check does not depend on how many were missing.
 */
export class MissingPortsError extends MissingPortError {
  static override readonly marker = errorMarker('@agentport/core/MissingPortsError');

  readonly missing: readonly MissingPortError[];

  constructor(missing: readonly [MissingPortError, ...MissingPortError[]]) {
    const [first] = missing;
    super(first.port, first.providedBy);
    this.message = missing.map((error) => error.message).join('\n');
    this.missing = missing;
  }
}
