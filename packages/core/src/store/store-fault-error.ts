import { AgentportError } from '../errors.js';
import { errorMarker } from '../error-brand.js';

/**
 * What keeps a store from working for now, as a state store reports it whatever its database:
 * `full`: no room to write (a full disk, a quota); `read_only`: the database takes no writes;
 * `locked`: another holder of the database kept it past the store's wait; `unreachable`: the
 * connection to the database failed or was lost; `io`: the storage itself failed; `unavailable`:
 * the store is not open (before start, after stop). Each is worth a retry once it clears.
 */
export type StoreFaultKind = 'full' | 'read_only' | 'locked' | 'unreachable' | 'io' | 'unavailable';

const CODES = {
  full: 'store_full',
  read_only: 'store_read_only',
  locked: 'store_locked',
  unreachable: 'store_unreachable',
  io: 'store_io_error',
  unavailable: 'store_unavailable',
} as const satisfies Record<StoreFaultKind, string>;

export type StoreFaultCode = (typeof CODES)[StoreFaultKind];

/**
 * A state store operation failed because of the storage, not the request: nothing of it was
 * stored (each write is one transaction). A server answers it as unavailable (503) with the code.
 */
export class StoreFaultError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/core/StoreFaultError');

  constructor(readonly kind: StoreFaultKind, message: string, options?: ErrorOptions) {
    super(CODES[kind], message, options);
  }
}
