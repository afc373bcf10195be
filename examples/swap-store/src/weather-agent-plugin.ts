import { TOKENS, ToolLoopAgent, type ModelRequest, type Plugin, type ServerTool } from '@agentport/core';
import { ScriptedModel, type ScriptedStep } from '@agentport/core/testing';

export const WEATHER_AGENT = 'weather-agent';

const getWeather: ServerTool<{ city: string }> = {
  name: 'get_weather',
  description: "Today's weather in a city",
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  execution: 'server',
  async execute({ city }) {
    return { output: JSON.stringify({ city, celsius: 21, sky: 'sunny' }) };
  },
};

/**
 * A scripted model, so the example needs no model server: it calls the tool for a question
 * about the weather, answers from the tool's result, and answers a follow-up only when the
 * earlier turn is in its history (which came back from the store).
 */
function weatherScript(request: ModelRequest): ScriptedStep {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') return { parts: [{ type: 'text', text: 'It is 21 °C and sunny in Paris.' }] };
  const remembersParis = request.messages.some((m) => m.role === 'assistant' && m.content.includes('Paris'));
  const asked = last?.role === 'user' && typeof last.content === 'string' ? last.content : '';
  if (asked.includes('tomorrow')) {
    return { parts: [{ type: 'text', text: remembersParis ? 'Tomorrow in Paris: rain, 17 °C.' : 'Which city do you mean?' }] };
  }
  return { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Paris' } }] };
}

/** Binds a `ToolLoopAgent` named `weather-agent`: a scripted model and one server tool. */
export function weatherAgent(): Plugin {
  return {
    name: WEATHER_AGENT,
    register(ctx) {
      const model = new ScriptedModel((request) => weatherScript(request), { id: 'scripted:weather' });
      ctx.bind(TOKENS.Agent, new ToolLoopAgent({ name: WEATHER_AGENT, model, tools: [getWeather] }));
    },
  };
}
