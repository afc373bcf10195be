import type { CodeInterpreterCallItem, CodeInterpreterOutput, ServerTool, ToolCallState, ToolContext, ToolResult } from '@agentport/core';
import type { CodeInterpreter } from './code-interpreter.js';
import type { ContainerRef } from './container-registry.js';

/** The name the model calls, as in OpenAI's hosted tool. */
export const CODE_INTERPRETER_TOOL_NAME = 'code_interpreter';

/** What the model sends. */
export interface CodeInterpreterArgs {
  code: string;
}

/** The fields of a finished call's item, carried in `ToolResult.itemFields`. */
interface CallItemFields {
  outputs: CodeInterpreterOutput[];
  status: 'completed' | 'failed';
}

/**
 * The `code_interpreter` tool of one request, bound to the container that request named (or
 * was given). Its calls appear as `code_interpreter_call` items: `outputs` null while running,
 * then `[{type: 'logs', logs}]`.
 */
export function codeInterpreterTool(interpreter: CodeInterpreter, container: ContainerRef): ServerTool {
  const { timeoutMs, memoryMb } = interpreter.options;
  return {
    execution: 'server',
    name: CODE_INTERPRETER_TOOL_NAME,
    itemType: 'code_interpreter_call',
    description:
      'Runs Python 3 code and returns what it printed (stdout and stderr), then the value of the last expression, '
      + 'or the traceback if it raised. Variables, functions and imports persist between calls. Standard library only: '
      + 'no package installs, no network, no access to the host\'s files (files written go to a private in-memory '
      + `file system). Each call may run ${Math.round(timeoutMs / 1000)} s and use ${memoryMb} MB.`,
    parameters: {
      type: 'object',
      properties: { code: { type: 'string', description: 'The Python code to run.' } },
      required: ['code'],
      additionalProperties: false,
    },
    strict: true,
    async execute(args: unknown, ctx: ToolContext): Promise<ToolResult> {
      const code = codeOf(args);
      if (code === undefined) return failed('Error: the code_interpreter tool takes {"code": "<Python source>"}.');
      const report = await interpreter.run({
        tenant: ctx.tenant,
        container,
        code,
        signal: ctx.signal,
        onStart: () => ctx.emit({ kind: 'code_interpreter_call.interpreting' }),
      });
      const fields: CallItemFields = { outputs: [{ type: 'logs', logs: report.logs }], status: report.status };
      return { output: report.logs, ...(report.status === 'failed' ? { isError: true } : {}), itemFields: { ...fields } };
    },
    renderItem(call: ToolCallState): CodeInterpreterCallItem {
      const item: CodeInterpreterCallItem = {
        type: 'code_interpreter_call',
        id: call.itemId,
        code: codeOf(parseArguments(call.arguments)) ?? '',
        container_id: container.id,
        outputs: null,
        status: call.status,
      };
      if (call.status !== 'completed') return item;
      const fields = itemFieldsOf(call.result);
      return { ...item, outputs: fields.outputs, status: fields.status };
    },
  };
}

function failed(message: string): ToolResult {
  const fields: CallItemFields = { outputs: [{ type: 'logs', logs: message }], status: 'failed' };
  return { output: message, isError: true, itemFields: { ...fields } };
}

/** The item fields of a result; a result made elsewhere (the loop's own error for a thrown call) shows its output as logs. */
function itemFieldsOf(result: ToolResult | undefined): CallItemFields {
  const fields = result?.itemFields;
  const outputs = fields?.outputs;
  if (Array.isArray(outputs) && (fields?.status === 'completed' || fields?.status === 'failed')) {
    return { outputs: outputs as CodeInterpreterOutput[], status: fields.status };
  }
  return { outputs: [{ type: 'logs', logs: result?.output ?? '' }], status: result && !result.isError ? 'completed' : 'failed' };
}

function codeOf(args: unknown): string | undefined {
  if (typeof args !== 'object' || args === null) return undefined;
  const code = (args as Record<string, unknown>).code;
  return typeof code === 'string' ? code : undefined;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
