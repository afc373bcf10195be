import type { ErrorCatalogue } from '@agentport/core';

/** The CLI's own codes; a start that fails on config or a missing port prints core's error (see `CORE_ERRORS`). */
export const CLI_ERRORS = {
  usage: 'The command line does not parse (UsageError): the usage text is printed and the exit code is 2.',
} as const satisfies ErrorCatalogue;
