import type { AnyPlugin } from '@agentport/core';
import { codeInterpreter } from './code-interpreter/index.js';
import { files } from './files/index.js';
import { httpGet } from './http-get/index.js';
import { mcpHosting } from './mcp/index.js';
import { shell } from './shell/index.js';

/**
 * Every built-in tool plugin, for a composition that offers them all (the `agentport` CLI).
 * Each stays off until its own config turns it on.
 */
export function builtinTools(): AnyPlugin[] {
  return [codeInterpreter(), mcpHosting(), shell(), httpGet(), files()];
}
