import { ConversationEntity } from './conversation-entity.js';
import { ItemEntity } from './item-entity.js';
import { ResponseEntity } from './response-entity.js';
import { ResponseEventEntity } from './response-event-entity.js';
import { ResponseSpanEntity } from './response-span-entity.js';
import { StoreInstanceEntity } from './store-instance-entity.js';
import { UsageHourEntity } from './usage-hour-entity.js';

/**
 * The entities of every SQL store. They name no driver: strings are `text` and JSON is `json`
 * (not PostgreSQL's `jsonb`, which reorders keys and refuses `\u0000`), so SQLite and PostgreSQL
 * read them alike. Each driver's shipped migrations build the schema; it is never generated at
 * run time.
 */
export const STORE_ENTITIES = [ConversationEntity, ResponseEntity, ItemEntity, ResponseEventEntity, ResponseSpanEntity, StoreInstanceEntity, UsageHourEntity] as const;
