/**
 * The whole environment a command gets: none of the gateway's own variables (API keys,
 * tokens, proxies, `LD_PRELOAD`, …), only a fixed `PATH`, home and `PWD` in the working
 * directory, and a UTF-8 locale.
 */
export function scrubbedEnvironment(searchPath: string, workingDirectory: string): Record<string, string> {
  return {
    PATH: searchPath,
    HOME: workingDirectory,
    PWD: workingDirectory,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
  };
}

/** The names `scrubbedEnvironment` sets: nothing else reaches a command. */
export const SCRUBBED_ENVIRONMENT_NAMES: readonly string[] = ['PATH', 'HOME', 'PWD', 'LANG', 'LC_ALL'];
