import { describe, expect, it } from 'vitest';
import { copyJson } from '../src/index.js';

describe('copyJson', () => {
  it('copies JSON data deeply: equal, and no object or array shared', () => {
    const original = { id: 'resp_1', output: [{ type: 'message', content: [{ type: 'output_text', text: 'hi', annotations: [] }] }], usage: null, n: 3, ok: true, gone: undefined };
    const copy = copyJson(original);
    expect(copy).toStrictEqual(original);
    expect('gone' in copy).toBe(true);
    copy.output[0]!.content[0]!.text = 'changed';
    copy.output.push({ type: 'message', content: [] });
    expect(original.output).toEqual([{ type: 'message', content: [{ type: 'output_text', text: 'hi', annotations: [] }] }]);
  });

  it('returns primitives and null as they are', () => {
    expect(copyJson('text')).toBe('text');
    expect(copyJson(0)).toBe(0);
    expect(copyJson(null)).toBe(null);
    expect(copyJson([1, [2, [3]]])).toEqual([1, [2, [3]]]);
  });
});
