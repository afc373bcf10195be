import type { Container } from 'inversify';
import { MissingPortError } from '../errors.js';
import type { PortResolver } from './plugin.js';
import type { PortToken } from './port-token.js';

/**
 * Resolves ports from an inversify container. `get` on an unbound port is a
 * `MissingPortError` naming the package that provides it; `get` on a multiple port is a
 * programming error (it has a list, use `getAll`).
 */
export class ContainerPortResolver implements PortResolver {
  constructor(private readonly container: Container) {}

  get<T>(port: PortToken<T>): T {
    assertSingle(port, 'get');
    if (!this.container.isBound(port.id)) throw new MissingPortError(port.name, port.providedBy);
    return this.container.get<T>(port.id);
  }

  tryGet<T>(port: PortToken<T>): T | undefined {
    assertSingle(port, 'tryGet');
    return this.container.isBound(port.id) ? this.container.get<T>(port.id) : undefined;
  }

  /** Every binding, in the order plugins bound them; empty when none. */
  getAll<T>(port: PortToken<T>): T[] {
    return this.container.isBound(port.id) ? this.container.getAll<T>(port.id) : [];
  }
}

function assertSingle(port: PortToken<unknown>, method: string): void {
  if (port.multiple) throw new TypeError(`${port.name} is a multiple port: use getAll(), not ${method}()`);
}
