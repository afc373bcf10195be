import type { RouteRegistrar } from '../http/gateway-server.js';
import { registerConversationRoutes } from './conversations.js';
import { registerMcpRoutes } from './mcp.js';
import { registerModelRoutes } from './models.js';
import { registerOperationRoutes } from './operations.js';
import { registerResponseRoutes } from './responses.js';

/** Every route the gateway always serves; each file registers what it owns. */
export const BUILTIN_ROUTES: readonly RouteRegistrar[] = [
  // First, so its request metrics hook sees every route registered after it.
  registerOperationRoutes,
  registerResponseRoutes,
  registerConversationRoutes,
  registerModelRoutes,
  registerMcpRoutes,
];
