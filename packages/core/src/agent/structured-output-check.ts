import type { ModelMessage } from '../model/model-message.js';
import type { ModelOutputSpec } from '../model/model-request.js';
import type { JsonSchemaValidator } from '../schema/json-schema-validator.js';

export type StructuredOutputCheck =
  | { valid: true; text: string }
  | { valid: false; problems: string[] };

/** Checks a structured answer against the requested schema (whether or not the model already did). */
export function checkStructuredOutput(validator: JsonSchemaValidator, spec: ModelOutputSpec, text: string): StructuredOutputCheck {
  const result = validator.validateJson(spec.schema, text);
  return result.valid ? { valid: true, text } : { valid: false, problems: result.errors };
}

/** The messages that show the model its invalid answer and ask for a corrected one. */
export function structuredOutputFeedback(text: string, problems: readonly string[]): ModelMessage[] {
  return [
    { role: 'assistant', content: text },
    {
      role: 'user',
      content: `Your answer does not match the required JSON schema:\n- ${problems.join('\n- ')}\n`
        + 'Answer again with only a JSON value that matches the schema.',
    },
  ];
}

/** The message that tells the model its answer was refused by the provider's own validation. */
export function invalidOutputFeedback(message: string): ModelMessage[] {
  return [{ role: 'user', content: `Your answer does not match the required JSON schema: ${message}\nAnswer again with only a JSON value that matches the schema.` }];
}

/** The message that tells the model its tool call could not be used. */
export function invalidToolCallFeedback(message: string): ModelMessage[] {
  return [{ role: 'user', content: `Your last tool call was invalid: ${message}\nCall the tool again with arguments that match its schema.` }];
}
