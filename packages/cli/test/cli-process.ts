import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built `agentport` command. */
export const CLI_PATH = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface ServingCli {
  readonly child: ChildProcess;
  /** The gateway's root URL, as the banner prints it. */
  readonly url: string;
  output(): string;
  /** Kills the process (SIGKILL) if it still runs, and waits for it. */
  kill(): Promise<void>;
}

/** Starts `agentport serve <args>` and resolves once its banner names the URL and the upstream's state. */
export async function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<ServingCli> {
  const child = spawn(process.execPath, [CLI_PATH, 'serve', ...args], {
    env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}),
  });
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /API at (http:\/\/[^\s]+)\/v1/.exec(stdout);
        if (match && stdout.includes('upstream:')) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`agentport exited with ${code}: ${stderr}`)));
    });
    return { child, url, output: () => stdout, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}

/** Runs `agentport <args>` to its end: its exit code and what it wrote. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** A port of 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
