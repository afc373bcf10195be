import { newId } from '@agentport/core';
import { expect } from 'vitest';
import type { CodeInterpreter, CodeRunReport, ContainerRef } from '../src/index.js';

/** A new container, as a request with `container: {type: 'auto'}` gets. */
export function newContainer(): ContainerRef {
  return { kind: 'auto', id: newId('container') };
}

/** The same container, named by id as a later request would. */
export function named(container: ContainerRef): ContainerRef {
  return { kind: 'named', id: container.id };
}

export function runCode(interpreter: CodeInterpreter, container: ContainerRef, code: string, tenant = 'tenant-a'): Promise<CodeRunReport> {
  return interpreter.run({ tenant, container, code });
}

/** Python that runs `attempt` and prints REACHED if it got through, or BLOCKED and the error. */
export function attemptCode(attempt: string, settleSeconds = 0): string {
  const body = attempt.split('\n').map((line) => `    ${line}`).join('\n');
  return [
    'import asyncio',
    'try:',
    body,
    "    print('REACHED')",
    'except BaseException as error:',
    "    print('BLOCKED', type(error).__name__, error)",
    // Lets anything the attempt started asynchronously happen before the call ends.
    settleSeconds > 0 ? `await asyncio.sleep(${settleSeconds})` : '',
  ].join('\n');
}

/** The attempt raised (a line starting with BLOCKED) and never got through. */
export function expectBlocked(report: CodeRunReport, attempt?: string): void {
  expect(report.logs, attempt).toMatch(/^BLOCKED /m);
  expect(report.logs, attempt).not.toContain('REACHED');
  expect(report.status, attempt).toBe('completed');
}
