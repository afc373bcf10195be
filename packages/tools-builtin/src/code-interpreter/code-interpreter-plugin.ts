import { TOKENS, type Plugin } from '@agentport/core';
import { CodeInterpreter } from './code-interpreter.js';
import { codeInterpreterConfigSchema, type CodeInterpreterConfig } from './code-interpreter-config.js';
import { CodeInterpreterToolProvider } from './code-interpreter-provider.js';

/**
 * Serves the `code_interpreter` tool type: Python in sandboxed Pyodide worker processes. Off
 * until `enabled` is set (config section `code-interpreter`, env
 * `AGENTPORT_CODE_INTERPRETER__ENABLED=true`): until then it binds nothing and starts no
 * process. `app.start()` starts the warm pool and waits for it; `app.stop()` kills every worker.
 */
export function codeInterpreter(): Plugin<CodeInterpreterConfig> {
  let interpreter: CodeInterpreter | undefined;
  return {
    name: 'code-interpreter',
    configSchema: codeInterpreterConfigSchema,
    register(ctx) {
      const { enabled, ...limits } = ctx.config;
      if (!enabled) return;
      interpreter = new CodeInterpreter({ ...limits, logger: ctx.logger });
      ctx.bind(TOKENS.ToolProvider, new CodeInterpreterToolProvider(interpreter));
    },
    async start(ctx) {
      if (!interpreter) return;
      await interpreter.start();
      ctx.logger.info({ poolSize: interpreter.options.poolSize }, 'code interpreter ready');
    },
    async stop() {
      await interpreter?.close();
      interpreter = undefined;
    },
  };
}
