import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE_ERRORS } from '@agentport/core';
import { GATEWAY_ERRORS } from '@agentport/gateway';
import { POSTGRES_STORE_ERRORS } from '@agentport/store-postgres';
import { SQLITE_STORE_ERRORS } from '@agentport/store-sqlite';
import { TOOLS_BUILTIN_ERRORS } from '@agentport/tools-builtin';
import { VLLM_ERRORS } from '@agentport/vllm-adapter';
import { CLI_ERRORS } from '../src/index.js';

const CATALOGUES: Record<string, object> = {
  core: CORE_ERRORS,
  'vllm-adapter': VLLM_ERRORS,
  'store-sqlite': SQLITE_STORE_ERRORS,
  'store-postgres': POSTGRES_STORE_ERRORS,
  'tools-builtin': TOOLS_BUILTIN_ERRORS,
  gateway: GATEWAY_ERRORS,
  cli: CLI_ERRORS,
};

/** The codes in the first column of the table under the README's `## Errors` heading. */
function readmeErrorCodes(pkg: string): string[] {
  const readme = readFileSync(new URL(`../../${pkg}/README.md`, import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Errors\n');
  if (start === -1) throw new Error(`packages/${pkg}/README.md has no "## Errors" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1] as string);
}

describe('error catalogues', () => {
  for (const [pkg, catalogue] of Object.entries(CATALOGUES)) {
    it(`packages/${pkg}/README.md lists exactly the codes of its catalogue`, () => {
      const listed = readmeErrorCodes(pkg);
      expect(new Set(listed).size).toBe(listed.length);
      expect([...listed].sort()).toEqual(Object.keys(catalogue).sort());
    });
  }
});
