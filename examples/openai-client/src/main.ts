// The official `openai` SDK against an agentport gateway, unchanged but for the base URL:
//   OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=sk-team-a node dist/main.js --model Qwen/Qwen3-8B
// `--base-url` overrides OPENAI_BASE_URL. An open gateway (no keys configured) takes any key.
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';

const { values: flags } = parseArgs({
  options: { 'base-url': { type: 'string' }, model: { type: 'string', default: 'Qwen/Qwen3-8B' } },
});
const model = flags.model;
const client = new OpenAI({
  baseURL: flags['base-url'] ?? process.env.OPENAI_BASE_URL ?? 'http://127.0.0.1:8080/v1',
  apiKey: process.env.OPENAI_API_KEY ?? 'no-key',
});
const say = (text: string): void => { process.stdout.write(`${text}\n`); };

// 1. A streamed answer, printed as it arrives.
say('## 1. A streamed answer');
const stream = client.responses.stream({ model, input: 'Say hello to a new agentport user in one sentence.' });
stream.on('response.output_text.delta', (event) => process.stdout.write(event.delta));
const first = await stream.finalResponse();
say(`\n(${first.id}, ${first.status})`);

// 2. A second turn: the gateway stored the first, so only its id goes back.
say('\n## 2. A second turn with previous_response_id');
const second = await client.responses.create({ model, input: 'Now say it in French.', previous_response_id: first.id });
say(second.output_text);

// 3. A conversation: a durable thread that every response on it reads and extends.
say('\n## 3. A conversation');
const conversation = await client.conversations.create({ metadata: { topic: 'colours' } });
await client.responses.create({ model, input: 'My favourite colour is blue. Just say noted.', conversation: conversation.id });
const recall = await client.responses.create({ model, input: 'What is my favourite colour?', conversation: conversation.id });
say(recall.output_text);
for await (const item of client.conversations.items.list(conversation.id, { order: 'asc' })) {
  if (item.type !== 'message') continue;
  const text = item.content.map((part) => ('text' in part ? part.text : '')).join('');
  say(`  ${item.role}: ${text}`);
}

// 4. Structured output: the gateway validates the answer against the schema (and retries) before it is shown.
say('\n## 4. Structured output');
interface City { name: string; country: string; population: number }
const city = await client.responses.parse({
  model,
  input: 'Give me the largest city of Norway.',
  text: {
    format: {
      type: 'json_schema', name: 'city', strict: true,
      schema: {
        type: 'object',
        properties: { name: { type: 'string' }, country: { type: 'string' }, population: { type: 'integer' } },
        required: ['name', 'country', 'population'],
        additionalProperties: false,
      },
    },
  },
});
const parsed = city.output_parsed as City | null;
say(parsed ? `${parsed.name}, ${parsed.country}: ${parsed.population.toLocaleString('en')} people` : `no valid city (${city.status})`);

// 5. A function tool: the model asks for it, this program runs it and sends back the result.
say('\n## 5. A function-tool round trip');
const getWeather = ({ city: name }: { city: string }) => ({ city: name, forecast: 'light snow', celsius: -3 });
const tools: FunctionTool[] = [{
  type: 'function', name: 'get_weather', description: 'The current weather in a city.', strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
}];
let turn = await client.responses.create({ model, tools, input: 'What is the weather in Oslo right now?' });
for (let round = 0; round < 5; round += 1) {
  const calls = turn.output.filter((item) => item.type === 'function_call');
  if (calls.length === 0) break;
  const outputs: ResponseInputItem[] = calls.map((call) => {
    const result = getWeather(JSON.parse(call.arguments) as { city: string });
    say(`  ${call.name}(${call.arguments}) -> ${JSON.stringify(result)}`);
    return { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify(result) };
  });
  turn = await client.responses.create({ model, tools, input: outputs, previous_response_id: turn.id });
}
say(turn.output_text);
