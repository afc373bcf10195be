import { DEMO_MODEL_NAME } from './demo-model.js';

/** What the banner's commands ask the demo: a plain answer (curl), then one tool call (the SDK). */
export const CURL_INPUT = 'Hello, who are you?';
export const SDK_INPUT = 'Please list the files in your folder.';

/** A `curl` command that creates a response; every part is single-quoted for sh/bash/zsh. */
export function curlCommand(baseUrl: string, apiKey: string): string {
  const body = JSON.stringify({ model: DEMO_MODEL_NAME, input: CURL_INPUT });
  return `curl -sS ${shellQuote(`${baseUrl}/responses`)} -H ${shellQuote(`Authorization: Bearer ${apiKey}`)} `
    + `-H 'Content-Type: application/json' -d ${shellQuote(body)}`;
}

/**
 * A `node -e` command that uses the openai SDK (it must resolve where it runs: the repository
 * root has it) to create a response with the built-in tools, and prints the output items and
 * the text. Double-quoted JavaScript with only single quotes inside, and no `$`, backquote or `!`,
 * so that the shell passes it as written.
 */
export function openaiSdkCommand(baseUrl: string, apiKey: string): string {
  const script = [
    "import('openai').then(async ({ default: OpenAI }) => {",
    `const client = new OpenAI({ baseURL: ${jsString(baseUrl)}, apiKey: ${jsString(apiKey)} });`,
    `const response = await client.responses.create({ model: ${jsString(DEMO_MODEL_NAME)}, input: ${jsString(SDK_INPUT)},`,
    "tools: [{ type: 'mcp', server_label: 'builtin' }] });",
    "console.log(response.output.map((item) => item.type === 'mcp_call' ? 'mcp_call ' + item.name : item.type).join(' -> '));",
    'console.log(response.output_text); })',
  ].join(' ');
  if (/["$`!\\]/.test(script)) throw new Error('the SDK command would not survive double quotes');
  return `node -e "${script}"`;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A JavaScript string literal in single quotes; the values (a URL, a hex key, fixed text) need no escapes. */
function jsString(value: string): string {
  if (/['\\\n]/.test(value)) throw new Error(`cannot quote ${JSON.stringify(value)} for the SDK command`);
  return `'${value}'`;
}
