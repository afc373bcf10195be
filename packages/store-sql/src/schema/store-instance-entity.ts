import { defineEntity, p } from '@mikro-orm/core';
import { Int64Type } from './int64-type.js';

/**
 * A process with the store open, and the last time it said it is alive (Unix ms). The responses
 * it runs name it as their `owner`; once its heartbeat is older than the lease, another process
 * ends them.
 */
export const StoreInstanceEntity = defineEntity({
  name: 'StoreInstance',
  tableName: 'store_instances',
  properties: {
    id: p.text().primary(),
    heartbeatAt: p.type(Int64Type),
  },
});
