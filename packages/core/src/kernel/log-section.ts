import type { ConfigSection } from '../config/config-section.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

export interface LogConfig {
  level: LogLevel;
}

/** The kernel's own config section: one level for every package's lines (`AGENTPORT_LOG__LEVEL`). */
export const LOG_SECTION: ConfigSection = {
  name: 'log',
  configSchema: {
    type: 'object',
    description: 'The kernel\'s own section (`@agentport/core`): logging for every package, JSON lines (pretty on a terminal under `agentport serve`).',
    additionalProperties: false,
    properties: {
      level: { type: 'string', enum: [...LOG_LEVELS], default: 'info', description: 'The lowest level written, for every package and for fastify.' },
    },
  },
};
