import { ConversationEntity } from './conversation-entity.js';
import { ItemEntity } from './item-entity.js';
import { ResponseEntity } from './response-entity.js';
import { ResponseEventEntity } from './response-event-entity.js';

/**
 * The store's entities. They use no driver-specific type, so a PostgreSQL backend can reuse
 * them; the schema itself is built by the shipped migrations, never generated at run time.
 */
export const STORE_ENTITIES = [ConversationEntity, ResponseEntity, ItemEntity, ResponseEventEntity] as const;
