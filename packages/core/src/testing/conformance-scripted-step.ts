import type { ModelConformanceScenario } from './model-conformance.js';
import type { ScriptedPart, ScriptedStep } from './scripted-model.js';

/**
 * The one step a `ScriptedModel` plays for a conformance scenario: for the suite run on
 * `ScriptedModel` itself and on models that wrap one (bridges, decorators).
 */
export function conformanceScriptedStep(scenario: ModelConformanceScenario): ScriptedStep {
  switch (scenario.kind) {
    case 'text':
      return { parts: [{ type: 'text', text: scenario.text }] };
    case 'reasoning-then-text':
      return { parts: [{ type: 'reasoning', text: scenario.reasoning }, { type: 'text', text: scenario.text }] };
    case 'tool-call':
      return { parts: [{ type: 'tool-call', name: scenario.toolName, input: scenario.input, chunks: 3 }] };
    case 'invalid-tool-arguments':
      return { parts: [{ type: 'tool-call-raw', name: scenario.toolName, arguments: scenario.arguments }] };
    case 'structured-output':
      return { parts: [{ type: 'structured-output', value: scenario.value }] };
    case 'provider-error':
      return { parts: [], error: { code: 'provider_error', message: scenario.message, status: scenario.status } };
    case 'length':
      return { parts: [{ type: 'text', text: scenario.text }], finish: 'length' };
    case 'slow-text': {
      const parts: ScriptedPart[] = [];
      for (let token = 0; token < scenario.tokens; token += 1) {
        parts.push({ type: 'text', text: `token${token} `, chunks: 1 }, { type: 'delay', ms: scenario.delayMs });
      }
      return { parts };
    }
  }
}
