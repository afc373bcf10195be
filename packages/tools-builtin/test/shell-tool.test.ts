import { readdir, readFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, silentLogger, TOKENS } from '@agentport/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArgumentRefusedError, chooseShellSandbox, CommandAllowlist, findExecutable, launchCommand, runCommand, SCRUBBED_ENVIRONMENT_NAMES,
  SHELL_DEFAULTS, shell, shellToolProvider, type ShellConfig, type ShellSandboxMode, type ShellToolProvider, WorkingDirectory,
} from '../src/index.js';
import { callTool, errorOf, outputOf } from './builtin-tool-support.js';

const COMMANDS = ['echo', 'cat', 'ls', 'pwd', 'printenv', 'sleep', 'yes', 'find', 'touch'];

let base: string;
let workdir: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'agentport-shell-'));
  workdir = join(base, 'work');
  await mkdir(join(workdir, 'sub'), { recursive: true });
  await writeFile(join(workdir, 'notes.txt'), 'inside the working directory\n');
  await writeFile(join(base, 'secret.txt'), 'TOP SECRET\n');
  await symlink(join(base, 'secret.txt'), join(workdir, 'out-link'));
  await symlink(base, join(workdir, 'dir-out-link'));
  await symlink(join(base, 'not-yet.txt'), join(workdir, 'dangling-link'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function config(overrides: Partial<ShellConfig> = {}): Omit<ShellConfig, 'enabled'> {
  const { enabled: _enabled, ...defaults } = SHELL_DEFAULTS;
  return { ...defaults, commands: COMMANDS, workingDirectory: workdir, sandbox: 'none', ...overrides };
}

/** Command lines of live processes whose arguments include `marker` (read from /proc). */
async function processesWith(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const argv = cmdline.split('\0');
    if (argv.includes(marker) && !argv.some((arg) => arg.includes('vitest'))) found.push(argv.join(' '));
  }
  return found;
}

const bwrapInstalled = (await findExecutable('bwrap', SHELL_DEFAULTS.searchPath)) !== undefined;
/** Every sandbox this machine has: the fallback always, bubblewrap when it is installed. */
const sandboxes: ShellSandboxMode[] = bwrapInstalled ? ['none', 'bwrap'] : ['none'];

describe.each(sandboxes)('the shell tool (sandbox: %s)', (sandbox) => {
  let provider: ShellToolProvider;

  beforeAll(async () => {
    provider = await shellToolProvider(config({ sandbox, timeoutMs: 1_500, maxOutputBytes: 4_096 }));
    expect(provider.sandbox.kind).toBe(sandbox);
  });

  it('runs an allowed command in the working directory and reports its exit code', async () => {
    expect(await outputOf(provider, 'shell', { command: 'cat', args: ['notes.txt'] })).toBe('inside the working directory\n[exit code 0]');
    expect(await outputOf(provider, 'shell', { command: 'pwd', args: [] })).toBe(`${workdir}\n[exit code 0]`);
    expect(await outputOf(provider, 'shell', { command: 'cat', args: ['./sub/../notes.txt'] })).toContain('inside the working directory');
    const missing = await outputOf(provider, 'shell', { command: 'cat', args: ['no-such-file'] });
    expect(missing).toMatch(/^\[stderr\]\n(\S*\/)?cat: no-such-file: No such file or directory\n\[exit code 1\]$/);
  });

  it('passes shell metacharacters as plain text: nothing is run or expanded', async () => {
    const args = ['$HOME', '*', '; touch pwned1', '$(touch pwned2)', '`touch pwned3`', '| touch pwned4', '&& touch pwned5', '> pwned6', "'quoted'"];
    expect(await outputOf(provider, 'shell', { command: 'echo', args })).toBe(`${args.join(' ')}\n[exit code 0]`);
    expect((await readdir(workdir)).filter((name) => name.startsWith('pwned'))).toEqual([]);
  });

  it.each([
    ['rm', ['-rf', 'sub']],
    ['echo;touch', ['pwned']],
    ['echo hi; touch pwned', []],
    ['$(touch pwned)', []],
    ['/usr/bin/touch', ['pwned']],
    ['../../usr/bin/touch', ['pwned']],
    ['sh', ['-c', 'touch pwned']],
    ['env', ['touch', 'pwned']],
  ])('refuses %j, a command not on the allowlist, and starts nothing', async (command, args) => {
    const error = await errorOf(provider, 'shell', { command, args });
    expect(error).toBe(`"${command}" is not an allowed command; allowed: ${COMMANDS.join(', ')}`);
    expect((await readdir(workdir)).filter((name) => name.startsWith('pwned'))).toEqual([]);
    expect(await readdir(join(workdir, 'sub'))).toEqual([]);
  });

  it.each([
    [['../secret.txt'], 'outside'],
    [['sub/../../secret.txt'], 'outside'],
    [['/etc/passwd'], 'outside'],
    [['out-link'], 'symbolic link'],
    [['dir-out-link/secret.txt'], 'symbolic link'],
    [['--files0-from=../secret.txt'], 'outside'],
  ])('refuses cat %j, an argument that leads %s the working directory', async (args, how) => {
    const error = await errorOf(provider, 'shell', { command: 'cat', args });
    expect(error).toContain(`the argument "${args[0]}" is refused`);
    expect(error).toContain(how);
    expect(error).not.toContain('TOP SECRET');
  });

  it('refuses to write through a dangling symlink that points outside', async () => {
    expect(await errorOf(provider, 'shell', { command: 'touch', args: ['dangling-link'] })).toContain('through a symbolic link');
    await expect(readFile(join(base, 'not-yet.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives commands a scrubbed environment', async () => {
    process.env.AGENTPORT_SHELL_TEST_SECRET = 'sk-do-not-leak';
    try {
      const output = await outputOf(provider, 'shell', { command: 'printenv', args: [] });
      const names = output.split('\n').slice(0, -1).map((line) => line.split('=')[0]);
      expect(output).not.toContain('sk-do-not-leak');
      expect(names.every((name) => SCRUBBED_ENVIRONMENT_NAMES.includes(name ?? ''))).toBe(true);
      expect(output).toContain(`HOME=${workdir}`);
    } finally {
      delete process.env.AGENTPORT_SHELL_TEST_SECRET;
    }
  });

  it('kills a command and everything it started at the time limit', async () => {
    const marker = `${40 + Math.random()}`.slice(0, 8);
    const item = await callTool(provider, 'shell', { command: 'find', args: ['.', '-maxdepth', '0', '-exec', 'sleep', marker, ';'] });
    expect(item.status).toBe('failed');
    expect(item.error).toBe('"find" ran past its limit of 1500 ms and was killed');
    expect(await processesWith(marker)).toEqual([]);
  });

  it('stops a command whose output passes the cap and returns what fits', async () => {
    const marker = `flood-${Math.random()}`;
    const output = await outputOf(provider, 'shell', { command: 'yes', args: [marker] });
    const lines = output.split('\n');
    expect(lines.at(-1)).toBe('[output cut at 4096 bytes; the command was stopped]');
    expect(Buffer.byteLength(lines.slice(0, -1).join('\n'))).toBeLessThanOrEqual(4_096);
    expect(lines[0]).toBe(marker);
    expect(await processesWith(marker)).toEqual([]);
  });

  it('kills the command when the call is cancelled', async () => {
    const marker = `${50 + Math.random()}`.slice(0, 8);
    const abort = new AbortController();
    const call = callTool(provider, 'shell', { command: 'sleep', args: [marker] }, abort.signal);
    for (let attempt = 0; attempt < 200 && (await processesWith(marker)).length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await processesWith(marker)).not.toEqual([]);
    abort.abort(new Error('cancelled by the test'));
    await expect(call).rejects.toThrow('cancelled by the test');
    expect(await processesWith(marker)).toEqual([]);
  });
});

describe('WorkingDirectory.checkArguments', () => {
  it.each([
    ['-f/etc/passwd'], ['-I../outside'], ['--file=/etc/passwd'], ['--x=../y'], ['..'], ['../'], ['sub/../..'], ['a/b/../../../c'], ['/'],
  ])('refuses %j', async (arg) => {
    const directory = await WorkingDirectory.open(workdir);
    await expect(directory.checkArguments(['ok', arg])).rejects.toBeInstanceOf(ArgumentRefusedError);
  });

  it.each([
    [['-la']], [['.']], [['sub']], [['sub/..']], [['new-file.txt']], [['sub/new/deeper']], [['-n', '5', 'notes.txt']], [['--color=auto']], [['hello world']],
  ])('lets %j through', async (args) => {
    const directory = await WorkingDirectory.open(workdir);
    await expect(directory.checkArguments(args)).resolves.toBeUndefined();
  });
});

describe('the shell configuration', () => {
  it('resolves the allowed commands to absolute paths at start', async () => {
    const allowlist = await CommandAllowlist.resolve(['echo', 'ls'], SHELL_DEFAULTS.searchPath);
    expect(allowlist.names).toEqual(['echo', 'ls']);
    for (const path of allowlist.paths) expect(path).toMatch(/^\/.*\/(echo|ls)$/);
  });

  it.each([
    [['no-such-command-here'], /"no-such-command-here" is not found/],
    [['bash'], /"bash" runs other programs or code/],
    [['python3'], /"python3" runs other programs or code/],
    [['/bin/ls'], /"\/bin\/ls" is not a command name/],
    [[], /name at least one command/],
  ])('refuses the allowlist %j', async (commands, message) => {
    await expect(shellToolProvider(config({ commands }))).rejects.toThrow(message);
  });

  it('needs an existing absolute working directory', async () => {
    await expect(shellToolProvider(config({ workingDirectory: '' }))).rejects.toThrow(/workingDirectory must be set/);
    await expect(shellToolProvider(config({ workingDirectory: 'relative' }))).rejects.toThrow(/absolute/);
    await expect(shellToolProvider(config({ workingDirectory: join(base, 'missing') }))).rejects.toThrow(/does not exist/);
  });

  it('uses bwrap when it is installed and works, and otherwise falls back to none with the reason', async () => {
    const auto = await chooseShellSandbox('auto', SHELL_DEFAULTS.searchPath, workdir);
    if (bwrapInstalled) {
      expect(auto).toMatchObject({ kind: 'bwrap', bwrapPath: await findExecutable('bwrap', SHELL_DEFAULTS.searchPath) });
    } else {
      expect(auto).toEqual({ kind: 'none', reason: `bwrap is not installed on ${SHELL_DEFAULTS.searchPath} (Debian: apt-get install bubblewrap)` });
      await expect(chooseShellSandbox('bwrap', SHELL_DEFAULTS.searchPath, workdir)).rejects.toThrow(/sandbox is bwrap, but bwrap is not installed/);
    }
    // A search path without bwrap on it: auto falls back, bwrap refuses to start.
    const noBwrap = join(base, 'empty-bin');
    await mkdir(noBwrap, { recursive: true });
    expect(await chooseShellSandbox('auto', noBwrap, workdir)).toMatchObject({ kind: 'none' });
    await expect(chooseShellSandbox('bwrap', noBwrap, workdir)).rejects.toMatchObject({ code: 'builtin_tool_config' });
    expect(await chooseShellSandbox('none', SHELL_DEFAULTS.searchPath, workdir)).toEqual({ kind: 'none', reason: 'sandbox is set to none' });
  });

  it('runs a bwrap command in new namespaces with the system read-only and only the working directory writable', () => {
    const launch = launchCommand({ kind: 'bwrap', bwrapPath: '/usr/bin/bwrap' }, '/usr/bin/ls', ['-la'], workdir);
    expect(launch.file).toBe('/usr/bin/bwrap');
    expect(launch.args).toEqual(expect.arrayContaining(['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL']));
    expect(launch.args.join(' ')).toContain(`--ro-bind-try /usr /usr`);
    expect(launch.args.join(' ')).toContain(`--bind ${workdir} ${workdir} --chdir ${workdir}`);
    expect(launch.args.slice(-3)).toEqual(['--', '/usr/bin/ls', '-la']);
    expect(launchCommand({ kind: 'none', reason: 'test' }, '/usr/bin/ls', ['-la'], workdir)).toEqual({ file: '/usr/bin/ls', args: ['-la'] });
  });
});

if (bwrapInstalled) {
  describe('inside bwrap (installed on this machine)', () => {
    it('a command sees neither the host file system beyond the system directories nor its processes', async () => {
      const bwrapPath = (await findExecutable('bwrap', SHELL_DEFAULTS.searchPath))!;
      const sandbox = { kind: 'bwrap' as const, bwrapPath };
      const run = (command: string, args: string[]) => runCommand({
        name: command, launch: launchCommand(sandbox, command, args, workdir), cwd: workdir,
        env: { PATH: SHELL_DEFAULTS.searchPath }, timeoutMs: 5_000, maxOutputBytes: 65_536, signal: new AbortController().signal,
      });
      const secret = await run('/usr/bin/cat', [join(base, 'secret.txt')]);
      expect(secret.exitCode).not.toBe(0);
      expect(secret.stdout).not.toContain('TOP SECRET');
      const processes = await run('/usr/bin/ls', ['/proc']);
      expect(processes.stdout.split('\n').filter((name) => /^\d+$/.test(name)).length).toBeLessThanOrEqual(3);
      const write = await run('/usr/bin/touch', ['/usr/pwned']);
      expect(write.exitCode).not.toBe(0);
    });
  });
}

describe('the shell() plugin', () => {
  it('is off by default: it binds no tool provider', async () => {
    const app = await createApp({ plugins: [shell()], logger: silentLogger, config: { env: {} } });
    expect(app.config.shell).toEqual(SHELL_DEFAULTS);
    expect(app.getAll(TOKENS.ToolProvider)).toEqual([]);
  });

  it('serves the tool when enabled through env vars, commands as a comma-separated list', async () => {
    const app = await createApp({
      plugins: [shell()],
      logger: silentLogger,
      config: { env: { AGENTPORT_SHELL__ENABLED: 'true', AGENTPORT_SHELL__COMMANDS: 'echo,ls', AGENTPORT_SHELL__WORKING_DIRECTORY: workdir, AGENTPORT_SHELL__SANDBOX: 'none' } },
    });
    const [provider] = app.getAll(TOKENS.ToolProvider);
    expect(app.config.shell).toMatchObject({ enabled: true, commands: ['echo', 'ls'], sandbox: 'none' });
    expect(await outputOf(provider!, 'shell', { command: 'echo', args: ['from', 'the', 'plugin'] })).toBe('from the plugin\n[exit code 0]');
  });

  it('refuses to start with a command that cannot be allowed', async () => {
    await expect(createApp({
      plugins: [shell()],
      logger: silentLogger,
      config: { env: { AGENTPORT_SHELL__ENABLED: 'true', AGENTPORT_SHELL__COMMANDS: 'ls,bash', AGENTPORT_SHELL__WORKING_DIRECTORY: workdir } },
    })).rejects.toThrow(/"bash" runs other programs/);
  });
});
