import { CONFIG_FILE_ENV, type ConfigSection, envNameFor, type JsonSchema, LOG_SECTION, pluginEnvPrefix } from '@agentport/core';
import { type ConfigKey, configKeys } from './config-keys.js';
import { everyServePlugin } from './serve-plugins.js';

/** Where the reference lives, from the repository root; `npm run docs` writes it. */
export const CONFIG_REFERENCE_PATH = 'docs/configuration.md';

/** The sections the reference documents: the kernel's own, then every plugin `agentport serve` may compose. */
export function referenceSections(): ConfigSection[] {
  return [LOG_SECTION, ...everyServePlugin()];
}

/** `docs/configuration.md`: every key of every section, rendered from the config schemas. */
export function renderConfigReference(sections: readonly ConfigSection[] = referenceSections()): string {
  const lines = [
    '<!-- Generated from the plugins\' config schemas by `npm run docs`; edit the schemas, not this file. -->',
    '# Configuration reference',
    '',
    'Every key of every config section: the kernel\'s own (`log`) and each plugin\'s, named after the plugin.',
    'A value comes from, lowest first: the default in the plugin\'s config schema, the JSON config file',
    `(\`agentport serve --config FILE\`, or the file \`${CONFIG_FILE_ENV}\` names; \`{ "<section>": { "<key>": … } }\`),`,
    'env vars, then values set in code (the flags of `agentport serve`). Every bad value is reported at once,',
    'named by its env var, and an unknown key is an error.',
    '',
    'Env values: numbers and `true`/`false` (also `1`/`0`, `yes`/`no`) as text; a list as JSON (`["a","b"]`)',
    'or comma-separated (`a,b`); an object as JSON; `null` where the type allows it. A key of a map is set',
    'one entry at a time with one more `__<KEY>` segment.',
    '',
    ...sections.map((section, index) => `- [\`${section.name}\`${engineOf(sections, index)}](#${anchorOf(sections, index)})`),
    '',
  ];
  sections.forEach((section, index) => lines.push(...renderSection(section, engineOf(sections, index))));
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderSection(section: ConfigSection, engine: string): string[] {
  const schema = section.configSchema ?? {};
  const lines = [`## \`${section.name}\`${engine}`, ''];
  if (typeof schema.description === 'string') lines.push(schema.description, '');
  lines.push(`Config file section \`"${section.name}"\`; env vars \`${pluginEnvPrefix(section.name)}<KEY>\`.`, '');
  const keys = configKeys(section);
  if (keys.length === 0) return [...lines, 'It takes no keys.', ''];
  lines.push('| Key | Env var | Type | Default | Description |', '|---|---|---|---|---|');
  for (const key of keys) {
    lines.push(`| ${[`\`${key.path.join('.')}\``, envCell(key), typeOf(key.schema), defaultOf(key.schema), descriptionOf(key.schema)].map(cell).join(' | ')} |`);
  }
  return [...lines, ''];
}

function envCell(key: ConfigKey): string {
  const name = `\`${envNameFor(key.section, key.path)}\``;
  return isMap(key.schema) ? `${name}, one entry: \`${envNameFor(key.section, key.path)}__<KEY>\`` : name;
}

function isMap(schema: JsonSchema): boolean {
  return schema.additionalProperties !== undefined && schema.additionalProperties !== false;
}

/** `integer, 1..65535`, `string[]`, `` `normal` or `full` ``, `integer or null, ≥ 1`. */
function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return orList(schema.enum.map((value) => `\`${String(value)}\``));
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((type): type is string => typeof type === 'string');
  const named = types.map((type) => {
    if (type === 'array') return `${itemTypeOf(schema.items)}[]`;
    if (type === 'object' && isMap(schema)) return `map of ${itemTypeOf(schema.additionalProperties)}`;
    return type;
  });
  return [orList(named.length > 0 ? named : ['any']), ...constraintsOf(schema)].join(', ');
}

function itemTypeOf(items: unknown): string {
  const type = typeof items === 'object' && items !== null ? (items as JsonSchema).type : undefined;
  return typeof type === 'string' ? type : 'any';
}

function constraintsOf(schema: JsonSchema): string[] {
  const min = numberOf(schema.minimum);
  const max = numberOf(schema.maximum);
  const above = numberOf(schema.exclusiveMinimum);
  const constraints: string[] = [];
  if (min !== undefined && max !== undefined) constraints.push(`${min}..${max}`);
  else if (min !== undefined) constraints.push(`≥ ${min}`);
  if (above !== undefined) constraints.push(`> ${above}`);
  if (max !== undefined && min === undefined) constraints.push(`≤ ${max}`);
  if (schema.minLength === 1) constraints.push('non-empty');
  if (typeof schema.pattern === 'string') constraints.push(`matching \`${schema.pattern}\``);
  return constraints;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function defaultOf(schema: JsonSchema): string {
  return 'default' in schema ? `\`${JSON.stringify(schema.default)}\`` : 'unset';
}

/** A key's description is plain text: `<tenant>` must not read as an HTML tag, nor `*.example.com` as emphasis. */
function descriptionOf(schema: JsonSchema): string {
  return typeof schema.description === 'string' ? schema.description.replace(/</g, '&lt;').replace(/\*/g, '\\*') : '';
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** A table cell: a `|` would end it, a line break would end the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Sections that share a name (the two stores, both `store`) are told apart by the first words
 * of their description, up to a colon: ` (PostgreSQL)`. Empty for a name used once.
 */
function engineOf(sections: readonly ConfigSection[], index: number): string {
  const section = sections[index]!;
  if (sections.filter((other) => other.name === section.name).length < 2) return '';
  const description = section.configSchema?.description;
  const label = typeof description === 'string' && description.includes(':') ? description.slice(0, description.indexOf(':')) : `${index}`;
  return ` (${label})`;
}

function anchorOf(sections: readonly ConfigSection[], index: number): string {
  const section = sections[index]!;
  return anchor(`\`${section.name}\`${engineOf(sections, index)}`);
}

/** GitHub's heading anchor of `` `code-interpreter` ``. */
function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}
