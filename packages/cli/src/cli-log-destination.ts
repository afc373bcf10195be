import type { DestinationStream } from 'pino';
import { PinoPretty } from 'pino-pretty';

/**
 * Where the CLI's log lines go: pretty, coloured lines when stdout is a terminal (a person is
 * reading), JSON lines otherwise (a log collector is); undefined means createApp's JSON default.
 */
export function cliLogDestination(stdout: NodeJS.WriteStream = process.stdout): DestinationStream | undefined {
  if (!stdout.isTTY) return undefined;
  return PinoPretty({ colorize: true, sync: true, ignore: 'pid,hostname,name', translateTime: 'SYS:HH:MM:ss.l' });
}
