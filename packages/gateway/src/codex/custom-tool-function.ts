import { CUSTOM_TOOL_INPUT_ARGUMENT, type ClientTool, type JsonSchema } from '@agentport/core';

/** A custom tool's `format`: free text, or text a grammar describes. */
export type CustomToolFormat =
  | { type: 'text' }
  | { type: 'grammar'; syntax: string; definition: string };

/**
 * A `custom` (freeform) tool as the model sees it: a function with one string argument,
 * `input`. A grammar is not enforced (vLLM constrains whole answers, not one argument): it
 * goes into the argument's description, and the input is passed on as the model wrote it.
 */
export function customToolFunction(name: string, description: string | undefined, format: CustomToolFormat): ClientTool {
  const inputDescription = format.type === 'grammar'
    ? `The tool's input as plain text (not JSON). It must follow this ${format.syntax} grammar:\n${format.definition}`
    : 'The tool\'s input as plain text (not JSON).';
  const parameters: JsonSchema = {
    type: 'object',
    properties: { [CUSTOM_TOOL_INPUT_ARGUMENT]: { type: 'string', description: inputDescription } },
    required: [CUSTOM_TOOL_INPUT_ARGUMENT],
    additionalProperties: false,
  };
  return { name, parameters, execution: 'client', ...(description === undefined ? {} : { description }) };
}

/**
 * The input of a custom tool call from the arguments of the function call that stands for
 * it; arguments that are not `{"input": "<string>"}` are passed on as written.
 */
export function customToolInput(args: string): string {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const input = (parsed as Record<string, unknown>)[CUSTOM_TOOL_INPUT_ARGUMENT];
      if (typeof input === 'string') return input;
    }
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return args;
}
