import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CodeInterpreter } from '../src/index.js';
import { named, newContainer, runCode } from './code-interpreter-support.js';

describe('CodeInterpreter: running Python', () => {
  const interpreter = new CodeInterpreter({ poolSize: 2, maxContainers: 8, maxOutputChars: 2_000, timeoutMs: 15_000 });
  /** For tests that need no container of their own: each new container costs a worker process. */
  const scratch = newContainer();
  beforeAll(() => interpreter.start());
  afterAll(() => interpreter.close());

  it('starts its warm pool before any call', () => {
    expect(interpreter.stats).toEqual({ containers: 0, warmWorkers: 2, fromSnapshot: true });
  });

  it('returns stdout, stderr and the value of the last expression as logs', async () => {
    const report = await runCode(interpreter, scratch, [
      'import sys',
      "print('hello from python')",
      "print('a warning', file=sys.stderr)",
      'sum(range(10)) * 2',
    ].join('\n'));
    expect(report).toEqual({ status: 'completed', logs: 'hello from python\na warning\n90' });
  });

  it('shows no value when the last line is a statement, None or ends with a semicolon', async () => {
    const container = scratch;
    expect((await runCode(interpreter, container, "x = 5\nprint('set')")).logs).toBe('set\n');
    expect((await runCode(interpreter, container, 'None')).logs).toBe('');
    expect((await runCode(interpreter, container, 'x;')).logs).toBe('');
    expect((await runCode(interpreter, container, "{'x': x, 'text': 'a\\nb'}")).logs).toBe("{'x': 5, 'text': 'a\\nb'}");
  });

  it('returns the traceback of an exception, with the output printed before it, as a completed call', async () => {
    const container = scratch;
    await runCode(interpreter, container, 'def divide(a, b):\n    return a / b');
    const report = await runCode(interpreter, container, "print('before')\ndivide(1, 0)");
    expect(report.status).toBe('completed');
    expect(report.logs).toMatch(/^before\nTraceback \(most recent call last\):\n/);
    expect(report.logs).toContain('    return a / b');
    expect(report.logs.trimEnd().split('\n').at(-1)).toBe('ZeroDivisionError: division by zero');
    expect(report.logs).not.toContain('pyodide'); // the interpreter's own frames are left out
  });

  it('reports a syntax error as Python does', async () => {
    const report = await runCode(interpreter, scratch, 'def broken(:\n    pass');
    expect(report.status).toBe('completed');
    expect(report.logs).toContain('SyntaxError');
    expect(report.logs).not.toContain('Traceback');
  });

  it('runs top-level await', async () => {
    const report = await runCode(interpreter, scratch, 'import asyncio\nawait asyncio.sleep(0.01)\n"slept"');
    expect(report.logs).toBe("'slept'");
  });

  it('keeps variables, functions and imports between calls in one container', async () => {
    const container = newContainer();
    await runCode(interpreter, container, 'import math\ncounter = 1\ndef bump():\n    global counter\n    counter += 1\n    return counter');
    expect((await runCode(interpreter, container, 'bump()')).logs).toBe('2');
    // A later request names the container by id.
    expect((await runCode(interpreter, named(container), 'bump(), math.floor(2.5)')).logs).toBe('(3, 2)');
  });

  it('does not share variables or files between containers', async () => {
    const first = newContainer();
    const second = newContainer();
    await runCode(interpreter, first, "secret = 'first'\nopen('/tmp/note.txt', 'w').write('first')");
    const report = await runCode(interpreter, second, "import os\nprint(os.path.exists('/tmp/note.txt'))\nsecret");
    expect(report.logs).toMatch(/^False\n/);
    expect(report.logs).toContain("NameError: name 'secret' is not defined");
    expect((await runCode(interpreter, first, "open('/tmp/note.txt').read(), secret")).logs).toBe("('first', 'first')");
  });

  it('keeps one tenant out of another tenant\'s container, even with its id', async () => {
    const container = newContainer();
    await runCode(interpreter, container, "owner = 'a'", 'tenant-a');
    const report = await runCode(interpreter, named(container), 'owner', 'tenant-b');
    expect(report.logs).toContain(`Note: container ${container.id} was not found`);
    expect(report.logs).toContain("NameError: name 'owner' is not defined");
    expect((await runCode(interpreter, container, 'owner', 'tenant-a')).logs).toBe("'a'");
  });

  it('starts an empty container for an id it does not know, and says so', async () => {
    const report = await runCode(interpreter, { kind: 'named', id: 'cntr_unknown' }, '1 + 1');
    expect(report.logs).toBe('Note: container cntr_unknown was not found (it expired or never existed); it starts empty.\n2');
    expect((await runCode(interpreter, { kind: 'named', id: 'cntr_unknown' }, '2 + 2')).logs).toBe('4');
  });

  it('cuts output past maxOutputChars and says how much was cut', async () => {
    const report = await runCode(interpreter, scratch, "print('x' * 5000)\n'done'");
    expect(report.logs).toMatch(/^x{1000,}\n\[\d+ more characters of output were cut\]\n'done'$/);
    expect(report.logs.length).toBeLessThanOrEqual(2_100);
    const cut = Number(/\[(\d+) more characters/.exec(report.logs)?.[1]);
    expect(report.logs.indexOf('\n') + cut).toBe(5001); // kept + cut = everything printed
  });

  it('gives input() end of file: stdin is not the user\'s', async () => {
    const report = await runCode(interpreter, scratch, 'input()');
    expect(report.logs).toContain('EOFError');
  });

  it('refills its warm pool after a new container took a worker', async () => {
    await runCode(interpreter, newContainer(), '1');
    await vi.waitFor(() => expect(interpreter.stats.warmWorkers).toBe(2), { timeout: 20_000, interval: 100 });
  });
});
