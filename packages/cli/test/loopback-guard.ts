import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/**
 * Registers hooks in the calling test file so that any connection attempt to an address other
 * than 127.0.0.1 throws before it is made, and each test fails if one was tried (an SDK's
 * telemetry or default host included).
 */
export function guardLoopbackOnly(): void {
  const offMachineAttempts: string[] = [];
  const guardSocket = (message: unknown) => {
    (message as { socket: Socket }).socket.on('connectionAttempt', (address: string) => {
      if (address === '127.0.0.1') return;
      offMachineAttempts.push(address);
      throw new Error(`the test tried to connect to ${address}`);
    });
  };
  beforeAll(() => diagnosticsChannel.subscribe('net.client.socket', guardSocket));
  afterAll(() => diagnosticsChannel.unsubscribe('net.client.socket', guardSocket));
  afterEach(() => expect(offMachineAttempts.splice(0)).toEqual([]));
}
