import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp, silentLogger, TOKENS } from '@agentport/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfinedRoot, FILES_DEFAULTS, FileNotFoundError, files, filesToolProvider, PathOutsideRootError, WrongFileKindError,
  type BuiltinToolProvider,
} from '../src/index.js';
import { errorOf, outputOf } from './builtin-tool-support.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'agentport-files-'));
  root = join(base, 'data');
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(root, 'notes.txt'), 'first line\nsecond line\n');
  await writeFile(join(root, 'sub', 'inner.txt'), 'inside');
  await writeFile(join(root, 'big.txt'), 'x'.repeat(1_000));
  await writeFile(join(root, 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  await symlink(join(root, 'notes.txt'), join(root, 'link-in'));
  await writeFile(join(base, 'secret.txt'), 'TOP SECRET');
  await symlink(join(base, 'secret.txt'), join(root, 'link-out'));
  await symlink('../secret.txt', join(root, 'relative-link-out'));
  await symlink(base, join(root, 'dir-link-out'));
  await symlink(join(base, 'missing.txt'), join(root, 'dangling'));
  // A sibling whose name starts with the root's: a plain prefix check would let it through.
  await mkdir(join(base, 'data-evil'));
  await writeFile(join(base, 'data-evil', 'secret.txt'), 'TOP SECRET');
  execFileSync('mkfifo', [join(root, 'pipe')]);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('ConfinedRoot', () => {
  it('reads a file and lists a directory under the root', async () => {
    const confined = await ConfinedRoot.open(root);
    expect(await confined.read('notes.txt', 1_000)).toEqual({ kind: 'text', path: 'notes.txt', text: 'first line\nsecond line\n', size: 23, truncated: false });
    expect(await confined.read('sub/../sub/inner.txt', 1_000)).toMatchObject({ kind: 'text', path: 'sub/inner.txt', text: 'inside' });
    expect(await confined.read('link-in', 1_000)).toMatchObject({ kind: 'text', text: 'first line\nsecond line\n' });
    const listing = await confined.list('.', 100);
    expect(listing.entries.map((entry) => entry.name)).toEqual([
      'big.txt', 'dangling', 'dir-link-out', 'image.bin', 'link-in', 'link-out', 'notes.txt', 'pipe', 'relative-link-out', 'sub',
    ]);
    expect(listing.entries).toContainEqual({ name: 'notes.txt', kind: 'file', size: 23 });
    expect(listing.entries).toContainEqual({ name: 'sub', kind: 'directory' });
    expect(listing.entries).toContainEqual({ name: 'link-out', kind: 'symlink' });
    expect(listing.truncated).toBe(false);
  });

  it.each([
    ['../secret.txt', 'outside_root'],
    ['sub/../../secret.txt', 'outside_root'],
    ['../data-evil/secret.txt', 'outside_root'],
    ['/etc/passwd', 'absolute'],
    ['/tmp/../etc/passwd', 'absolute'],
    ['link-out', 'symlink_out_of_root'],
    ['relative-link-out', 'symlink_out_of_root'],
    ['dir-link-out/secret.txt', 'symlink_out_of_root'],
    ['dir-link-out/data-evil/secret.txt', 'symlink_out_of_root'],
    ['dangling', 'symlink_out_of_root'],
    ['notes.txt\0.png', 'invalid'],
  ])('refuses %j (%s) and reads nothing outside the root', async (path, reason) => {
    const confined = await ConfinedRoot.open(root);
    const refusal = await confined.read(path, 1_000).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PathOutsideRootError);
    expect(refusal).toMatchObject({ code: 'path_outside_root', reason });
    expect(String((refusal as Error).message)).not.toContain('TOP SECRET');
    await expect(confined.list(path, 10)).rejects.toBeInstanceOf(PathOutsideRootError);
  });

  it('lists the directory a symlink inside the root points to, but never one outside', async () => {
    const confined = await ConfinedRoot.open(root);
    await symlink(join(root, 'sub'), join(root, 'sub-link'));
    try {
      expect((await confined.list('sub-link', 10)).entries).toEqual([{ name: 'inner.txt', kind: 'file', size: 6 }]);
      await expect(confined.list('dir-link-out', 10)).rejects.toMatchObject({ reason: 'symlink_out_of_root' });
    } finally {
      await rm(join(root, 'sub-link'));
    }
  });

  it('cuts a file at the size cap and summarizes binary content', async () => {
    const confined = await ConfinedRoot.open(root);
    expect(await confined.read('big.txt', 100)).toEqual({ kind: 'text', path: 'big.txt', text: 'x'.repeat(100), size: 1_000, truncated: true });
    expect(await confined.read('image.bin', 100)).toEqual({ kind: 'binary', path: 'image.bin', size: 7 });
  });

  it('refuses directories, named pipes and missing files for reading, and files for listing', async () => {
    const confined = await ConfinedRoot.open(root);
    await expect(confined.read('sub', 100)).rejects.toBeInstanceOf(WrongFileKindError);
    // Opened without blocking: a FIFO with no writer would otherwise hang the call.
    await expect(confined.read('pipe', 100)).rejects.toThrow(/named pipe/);
    await expect(confined.read('nothing-here.txt', 100)).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(confined.list('notes.txt', 100)).rejects.toBeInstanceOf(WrongFileKindError);
  });

  it('stops a listing at maxEntries', async () => {
    const confined = await ConfinedRoot.open(root);
    const listing = await confined.list('.', 3);
    expect(listing.entries).toHaveLength(3);
    expect(listing.truncated).toBe(true);
  });

  it('needs an absolute root that is a directory', async () => {
    await expect(ConfinedRoot.open('relative/dir')).rejects.toMatchObject({ code: 'builtin_tool_config' });
    await expect(ConfinedRoot.open(join(base, 'no-such-dir'))).rejects.toMatchObject({ code: 'builtin_tool_config' });
    await expect(ConfinedRoot.open(join(root, 'notes.txt'))).rejects.toMatchObject({ code: 'builtin_tool_config' });
  });
});

describe('the read_file and list_directory tools', () => {
  let provider: BuiltinToolProvider;

  beforeAll(async () => {
    provider = await filesToolProvider({ ...FILES_DEFAULTS, root, maxFileBytes: 100, maxEntries: 50 });
  });

  it('return text and listings as completed mcp_call items', async () => {
    expect(await outputOf(provider, 'read_file', { path: 'notes.txt' })).toBe('first line\nsecond line\n');
    expect(await outputOf(provider, 'read_file', { path: 'big.txt' })).toBe(`${'x'.repeat(100)}\n[file cut: showing the first 100 of 1000 bytes]`);
    expect(await outputOf(provider, 'read_file', { path: 'image.bin' })).toBe('[image.bin is a binary file of 7 bytes; only UTF-8 text is shown]');
    const listing = await outputOf(provider, 'list_directory', { path: '.' });
    expect(listing.split('\n')).toEqual(expect.arrayContaining(['notes.txt (23 bytes)', 'sub/', 'link-out (symbolic link)', 'pipe (special file)']));
    expect(await outputOf(provider, 'list_directory', { path: 'sub' })).toBe('inner.txt (6 bytes)');
  });

  it('fail the call, not the run, for a path out of the root', async () => {
    expect(await errorOf(provider, 'read_file', { path: '../secret.txt' })).toBe('"../secret.txt" is refused: it leads outside the files root');
    expect(await errorOf(provider, 'read_file', { path: 'link-out' })).toBe('"link-out" is refused: it leads outside the files root through a symbolic link');
    expect(await errorOf(provider, 'list_directory', { path: '/' })).toMatch(/absolute paths are not accepted/);
    expect(await errorOf(provider, 'read_file', { path: 7 })).toBe('read_file: "path" must be a string');
  });
});

describe('the files() plugin', () => {
  it('is off by default: it binds no tool provider', async () => {
    const app = await createApp({ plugins: [files()], logger: silentLogger, config: { env: {} } });
    expect(app.config.files).toEqual(FILES_DEFAULTS);
    expect(app.getAll(TOKENS.ToolProvider)).toEqual([]);
  });

  it('serves the tools under the configured label when enabled through env vars', async () => {
    let app: App | undefined;
    try {
      app = await createApp({
        plugins: [files()],
        logger: silentLogger,
        config: { env: { AGENTPORT_FILES__ENABLED: 'true', AGENTPORT_FILES__ROOT: root, AGENTPORT_FILES__SERVER_LABEL: 'local' } },
      });
      const [provider, ...others] = app.getAll(TOKENS.ToolProvider);
      expect(others).toEqual([]);
      expect(provider?.servesToolTypes).toEqual(['mcp']);
      const request = (label: string) => [{ type: 'mcp', config: { type: 'mcp', server_label: label } }];
      expect(await provider?.listTools({ tenant: 't', requestedTools: request('builtin') })).toEqual([]);
      expect((await provider?.listTools({ tenant: 't', requestedTools: request('local') }))?.map((tool) => tool.name)).toEqual(['read_file', 'list_directory']);
    } finally {
      await app?.stop();
    }
  });

  it('refuses to start enabled without a root', async () => {
    await expect(createApp({ plugins: [files()], logger: silentLogger, config: { env: { AGENTPORT_FILES__ENABLED: 'true' } } }))
      .rejects.toThrow(/root must be set \(AGENTPORT_FILES__ROOT\)/);
  });
});
