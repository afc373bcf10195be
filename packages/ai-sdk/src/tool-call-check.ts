import { type JsonSchemaValidator, ModelError, type ModelRequest } from '@agentport/core';

export type ToolCallCheck = { valid: true; input: unknown } | { valid: false; error: ModelError };

/**
 * A complete tool call checked as the port promises, since an arbitrary AI SDK provider may
 * not constrain it: a tool the request offers and its tool choice allows, with arguments that
 * parse and fit the tool's schema.
 */
export function checkToolCall(request: ModelRequest, validator: JsonSchemaValidator, toolName: string, args: string): ToolCallCheck {
  const { toolChoice } = request;
  if (toolChoice === 'none') return invalid(`the model called tool "${toolName}" under tool_choice "none"`);
  if (typeof toolChoice === 'object' && toolChoice.name !== toolName) {
    return invalid(`the model called tool "${toolName}" where tool_choice names "${toolChoice.name}"`);
  }
  const tool = request.tools?.find((candidate) => candidate.name === toolName);
  if (!tool) return invalid(`the model called tool "${toolName}", which the request does not offer`);
  const result = validator.validateJson(tool.parameters, args);
  if (!result.valid) return invalid(`invalid arguments for tool "${toolName}": ${result.errors.join('; ')}`);
  return { valid: true, input: result.value };
}

/** Under `required` or a named tool choice an answer without a tool call breaks the request. */
export function missingToolCall(request: ModelRequest, toolCallCount: number): ModelError | undefined {
  const { toolChoice } = request;
  if (toolCallCount > 0 || toolChoice === undefined || toolChoice === 'auto' || toolChoice === 'none') return undefined;
  const wanted = toolChoice === 'required' ? 'tool_choice "required" asks for a tool call' : `tool_choice names "${toolChoice.name}"`;
  return new ModelError('invalid_tool_arguments', `${wanted}; the model answered without calling it`);
}

function invalid(message: string): ToolCallCheck {
  return { valid: false, error: new ModelError('invalid_tool_arguments', message) };
}
