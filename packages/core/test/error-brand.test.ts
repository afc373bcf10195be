import { describe, expect, it } from 'vitest';
import { AgentportError, ConfigError, ConflictError, MissingPortError, ModelError, MissingPortsError, NotFoundError } from '../src/index.js';

// A second evaluation of the same source files: its classes are other objects, as they are when
// two copies of @agentport/core are installed side by side.
type ErrorsModule = typeof import('../src/errors.js');
type ModelErrorModule = typeof import('../src/model/model-error.js');
const loadCopy = async (path: string): Promise<unknown> => import(/* @vite-ignore */ `${path}?copy`);
const otherCopy = (await loadCopy('../src/errors.ts')) as ErrorsModule;
const otherModelCopy = (await loadCopy('../src/model/model-error.ts')) as ModelErrorModule;

describe('error brand', () => {
  it('recognises an error made by another copy of core, which instanceof does not', () => {
    expect(otherCopy.ConfigError).not.toBe(ConfigError);
    const foreign = new otherCopy.ConfigError(['AGENTPORT_GATEWAY__PORT: expected a number']);

    expect(foreign instanceof ConfigError).toBe(false);
    expect(ConfigError.is(foreign)).toBe(true);
    expect(AgentportError.is(foreign)).toBe(true);
    expect(otherCopy.ConfigError.is(new ConfigError([]))).toBe(true);

    const foreignModelError = new otherModelCopy.ModelError('timeout', 'no answer');
    expect(foreignModelError instanceof ModelError).toBe(false);
    expect(ModelError.is(foreignModelError)).toBe(true);
  });

  it('is specific to its class and recognises subclasses', () => {
    const conflict = new ConflictError('taken');
    expect(ConflictError.is(conflict)).toBe(true);
    expect(NotFoundError.is(conflict)).toBe(false);
    expect(ConfigError.is(conflict)).toBe(false);

    const missing = new MissingPortsError([new MissingPortError('IStateStore', '@agentport/store-sqlite')]);
    expect(MissingPortError.is(missing)).toBe(true);
    expect(MissingPortsError.is(missing)).toBe(true);
    expect(MissingPortsError.is(new MissingPortError('IStateStore', '@agentport/store-sqlite'))).toBe(false);
  });

  it('refuses values that only look like errors', () => {
    const lookalike = Object.assign(new Error('x'), { code: 'conflict', name: 'ConflictError' });
    for (const value of [lookalike, { code: 'conflict' }, null, undefined, 'conflict', 42]) {
      expect(ConflictError.is(value)).toBe(false);
      expect(AgentportError.is(value)).toBe(false);
    }
  });
});
