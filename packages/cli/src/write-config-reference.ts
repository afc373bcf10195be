#!/usr/bin/env node
// `npm run docs`: writes docs/configuration.md from the config schemas (a test fails when it is stale).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_REFERENCE_PATH, renderConfigReference } from './config-reference.js';

// This file runs from packages/cli/dist/.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const target = join(repoRoot, CONFIG_REFERENCE_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderConfigReference());
process.stdout.write(`wrote ${CONFIG_REFERENCE_PATH}\n`);
