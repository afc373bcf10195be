import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ConfigSection, envNameFor, loadConfig } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { configKeys, keyName, undescribed } from '../src/config-keys.js';
import { CONFIG_REFERENCE_PATH, referenceSections, renderConfigReference } from '../src/config-reference.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('the config reference', () => {
  it('docs/configuration.md is what the schemas render', () => {
    const written = readFileSync(`${repoRoot}${CONFIG_REFERENCE_PATH}`, 'utf8');
    expect(written, `${CONFIG_REFERENCE_PATH} is out of date with the config schemas: run \`npm run docs\``).toBe(renderConfigReference());
  });

  it('every section and key of every schema has a description', () => {
    expect(undescribed(referenceSections()), 'add a `description` to these schemas (say the unit and what happens at the limit)').toEqual([]);
  });

  it('sets every key through the env var it names', async () => {
    for (const section of referenceSections()) {
      for (const key of configKeys(section)) {
        if (!('default' in key.schema)) continue;
        const value = key.schema.default;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const loaded = await loadConfig([section], { env: { [envNameFor(section.name, key.path)]: text } });
        expect(valueAt(loaded.sections.get(section.name), key.path), keyName(key)).toEqual(value);
      }
    }
  });

  it('renders a nested key by its dotted path and its env name with one segment per level', () => {
    const section: ConfigSection = {
      name: 'demo-plugin',
      configSchema: {
        type: 'object',
        description: 'A plugin made up for this test.',
        properties: {
          limits: { type: 'object', properties: { maxItems: { type: 'integer', minimum: 1, maximum: 10, default: 5, description: 'items, at most; more are refused' } } },
          labels: { type: 'object', additionalProperties: { type: 'string' }, default: {}, description: 'a label per name' },
          note: { type: ['string', 'null'], minLength: 1 },
        },
      },
    };
    const markdown = renderConfigReference([section]);
    expect(markdown).toContain('## `demo-plugin`\n\nA plugin made up for this test.');
    expect(markdown).toContain('| `limits.maxItems` | `AGENTPORT_DEMO_PLUGIN__LIMITS__MAX_ITEMS` | integer, 1..10 | `5` | items, at most; more are refused |');
    expect(markdown).toContain('| `labels` | `AGENTPORT_DEMO_PLUGIN__LABELS`, one entry: `AGENTPORT_DEMO_PLUGIN__LABELS__<KEY>` | map of string | `{}` | a label per name |');
    expect(markdown).toContain('| `note` | `AGENTPORT_DEMO_PLUGIN__NOTE` | string or null, non-empty | unset |  |');
    expect(undescribed([section])).toEqual(['demo-plugin.note']);
  });
});

function valueAt(section: Record<string, unknown> | undefined, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], section);
}
