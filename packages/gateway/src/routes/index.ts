import type { RouteRegistrar } from '../http/gateway-server.js';
import { registerCompactRoute } from './compact.js';
import { registerConversationRoutes } from './conversations.js';
import { registerInputTokensRoute } from './input-tokens.js';
import { registerMcpRoutes } from './mcp.js';
import { registerMessagesRoutes } from './messages.js';
import { registerModelRoutes } from './models.js';
import { registerResponseRoutes } from './responses.js';

/** Every route of the `/v1` scope; each file registers what it owns, relative to `/v1`. */
export const V1_ROUTES: readonly RouteRegistrar[] = [
  registerResponseRoutes,
  registerInputTokensRoute,
  registerCompactRoute,
  registerConversationRoutes,
  registerModelRoutes,
  registerMcpRoutes,
  registerMessagesRoutes,
];
