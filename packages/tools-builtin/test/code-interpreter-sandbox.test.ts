import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeInterpreter } from '../src/index.js';
import { attemptCode, expectBlocked, newContainer, runCode } from './code-interpreter-support.js';

/** A TCP or Unix socket server that counts the connections it sees. */
async function countingServer(listen: (server: Server, ready: () => void) => void): Promise<{ server: Server; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  });
  await new Promise<void>((resolve) => listen(server, resolve));
  return { server, connections: () => connections };
}

describe('CodeInterpreter sandbox: nothing gets out', () => {
  const secret = `sandbox-secret-${randomBytes(8).toString('hex')}`;
  const hostDir = mkdtempSync(join(tmpdir(), 'agentport-sandbox-test-'));
  const secretFile = join(hostDir, 'secret.txt');
  const outsideDir = join(hostDir, 'outside');
  const interpreter = new CodeInterpreter({ poolSize: 2, maxContainers: 5, timeoutMs: 3_000, interruptGraceMs: 1_000, memoryMb: 384, maxOutputChars: 4_000 });
  /** The escape attempts that leave the worker running share one container. */
  const container = newContainer();
  let tcp: Awaited<ReturnType<typeof countingServer>>;
  let unix: Awaited<ReturnType<typeof countingServer>>;
  let udp: UdpSocket;
  let udpMessages = 0;
  let bystander: ChildProcess;

  beforeAll(async () => {
    writeFileSync(secretFile, secret);
    // The gateway's environment must not reach the worker either.
    process.env.AGENTPORT_SANDBOX_TEST_SECRET = secret;
    tcp = await countingServer((server, ready) => server.listen(0, '127.0.0.1', ready));
    unix = await countingServer((server, ready) => server.listen(join(hostDir, 'host.sock'), ready));
    udp = createSocket('udp4').on('message', () => { udpMessages += 1; });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    // A process of the host that the code tries to signal.
    bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    await interpreter.start();
  });

  afterAll(async () => {
    await interpreter.close();
    delete process.env.AGENTPORT_SANDBOX_TEST_SECRET;
    bystander.kill('SIGKILL');
    tcp.server.close();
    unix.server.close();
    udp.close();
    rmSync(hostDir, { recursive: true, force: true });
  });

  const tcpPort = () => (tcp.server.address() as { port: number }).port;

  describe('Python cannot reach a TCP port on 127.0.0.1', () => {
    const routes: Array<[string, (port: number) => string]> = [
      ['Python socket', (port) => `import socket\nsocket.create_connection(('127.0.0.1', ${port}), timeout=2)`],
      ['urllib', (port) => `import urllib.request\nurllib.request.urlopen('http://127.0.0.1:${port}/', timeout=2)`],
      ['pyodide.http.pyfetch', (port) => `from pyodide.http import pyfetch\nawait pyfetch('http://127.0.0.1:${port}/')`],
      ['js.fetch', (port) => `import js\nawait js.fetch('http://127.0.0.1:${port}/')`],
      ['node:net connect', (port) => `import js\njs.process.getBuiltinModule('node:net').connect(${port}, '127.0.0.1')`],
      ['node:net Socket.connect', (port) => `import js\nnet = js.process.getBuiltinModule('node:net')\nnet.Socket.new().connect(${port}, '127.0.0.1')`],
      ['node:http get', (port) => `import js\njs.process.getBuiltinModule('node:http').get('http://127.0.0.1:${port}/')`],
      ['node:tls connect', (port) => `import js\njs.process.getBuiltinModule('node:tls').connect(${port}, '127.0.0.1')`],
      ['node:http2 connect', (port) => `import js\njs.process.getBuiltinModule('node:http2').connect('http://127.0.0.1:${port}')`],
      ['WebSocket (global and node:http)', (port) => [
        'import js, asyncio',
        'from pyodide.ffi import create_proxy',
        "WebSocket = getattr(js, 'WebSocket', None) or js.process.getBuiltinModule('node:http').WebSocket",
        `ws = WebSocket.new('ws://127.0.0.1:${port}/')`,
        'opened = asyncio.get_event_loop().create_future()',
        "ws.addEventListener('open', create_proxy(lambda event: opened.set_result(True)))",
        "ws.addEventListener('error', create_proxy(lambda event: opened.set_exception(OSError('websocket error'))))",
        'await asyncio.wait_for(opened, 2)',
      ].join('\n')],
      ['a raw TCP handle from process.binding', (port) => `import js\nTCP = js.process.binding('tcp_wrap').TCP\nTCP.new(0).connect(js.Object.new(), '127.0.0.1', ${port})`],
      ['Pyodide loadPackage from a URL', (port) => `import pyodide_js\nawait pyodide_js.loadPackage('http://127.0.0.1:${port}/sandboxpkg-1.0-py3-none-any.whl')\nimport sandboxpkg`],
    ];

    it.each(routes)('%s', async (_route, attempt) => {
      const report = await runCode(interpreter, container, attemptCode(attempt(tcpPort()), 0.3));
      expectBlocked(report);
      expect(tcp.connections()).toBe(0);
    });
  });

  it('cannot listen on a port either', async () => {
    const report = await runCode(interpreter, container, attemptCode([
      'import js',
      "js.process.getBuiltinModule('node:net').createServer().listen(0, '127.0.0.1')",
    ].join('\n')));
    expectBlocked(report);
    const bound = await runCode(interpreter, container, attemptCode("import js\njs.process.getBuiltinModule('node:net').BoundSocket.new()"));
    expectBlocked(bound);
  });

  it('cannot reach a Unix socket of the host, even through a raw pipe handle', async () => {
    const path = join(hostDir, 'host.sock');
    for (const attempt of [
      `import js\njs.process.getBuiltinModule('node:net').connect(js.Object.fromEntries([['path', '${path}']]))`,
      `import js\nPipe = js.process.stdin._handle.constructor\npipe = Pipe.new(0)\npipe.connect(pipe, '${path}', None)`,
    ]) {
      const report = await runCode(interpreter, container, attemptCode(attempt, 0.2));
      expectBlocked(report);
    }
    expect(unix.connections()).toBe(0);
  });

  it('cannot send UDP', async () => {
    const port = (udp.address() as { port: number }).port;
    for (const attempt of [
      `import socket\nsocket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', ${port}))`,
      `import js\njs.process.getBuiltinModule('node:dgram').createSocket('udp4').send('x', ${port}, '127.0.0.1')`,
    ]) {
      const report = await runCode(interpreter, container, attemptCode(attempt, 0.2));
      expectBlocked(report);
    }
    expect(udpMessages).toBe(0);
  });

  it('cannot write outside its own in-memory files', async () => {
    const target = join(outsideDir, 'written.txt');
    const attempts = [
      `open('${target}', 'w').write('x')`,
      `import js\njs.process.getBuiltinModule('node:fs').mkdirSync('${outsideDir}')`,
      `import js\njs.process.getBuiltinModule('node:fs').writeFileSync('${join(hostDir, 'written.txt')}', 'x')`,
      `import js\nawait js.process.getBuiltinModule('node:fs').promises.writeFile('${join(hostDir, 'written.txt')}', 'x')`,
      // node:sqlite opens files without asking the permission model: it is taken away.
      `import js\njs.process.getBuiltinModule('node:sqlite').DatabaseSync.new('${join(hostDir, 'written.db')}')`,
      `import pyodide_js\npyodide_js.mountNodeFS('/mnt', '${hostDir}')\nopen('/mnt/written.txt', 'w').write('x')`,
    ];
    for (const attempt of attempts) {
      const report = await runCode(interpreter, container, attemptCode(attempt));
      expectBlocked(report, attempt);
    }
    expect(readdirSync(hostDir).sort()).toEqual(['host.sock', 'secret.txt']);
    // Its own files do work, in memory.
    expect((await runCode(interpreter, container, "open('/tmp/own.txt', 'w').write('mine')\nopen('/tmp/own.txt').read()")).logs).toBe("'mine'");
  });

  it('cannot start a process', async () => {
    const marker = join(hostDir, 'process-ran');
    const attempts = [
      `import js\njs.process.getBuiltinModule('node:child_process').execSync('touch ${marker}')`,
      `import js\njs.process.getBuiltinModule('node:child_process').spawnSync('/bin/touch', ['${marker}'])`,
      `import js\njs.process.execve('/bin/touch', ['/bin/touch', '${marker}'])`,
      `import js\njs.process.getBuiltinModule('node:worker_threads').Worker.new('require("fs").writeFileSync("${marker}", "")', js.Object.fromEntries([['eval', True]]))`,
      `import os\nif os.system('touch ${marker}') != 0: raise OSError('os.system failed')`,
      `import subprocess\nsubprocess.run(['touch', '${marker}'])`,
      `import js\njs.require('child_process')`,
    ];
    for (const attempt of attempts) {
      const report = await runCode(interpreter, container, attemptCode(attempt, 0.1));
      expectBlocked(report, attempt);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot read a file outside its allowed paths, nor the gateway\'s environment', async () => {
    const attempts = [
      `print(open('${secretFile}').read())`,
      `import js\nprint(js.process.getBuiltinModule('node:fs').readFileSync('${secretFile}', 'utf8'))`,
      `import js\nprint(js.process.getBuiltinModule('node:fs').readFileSync('/proc/' + str(js.process.ppid) + '/environ', 'utf8'))`,
      `import pyodide_js\npyodide_js.mountNodeFS('/mnt', '${hostDir}')\nprint(open('/mnt/secret.txt').read())`,
    ];
    for (const attempt of attempts) {
      const report = await runCode(interpreter, container, attemptCode(attempt));
      expectBlocked(report, attempt);
      expect(report.logs).not.toContain(secret);
    }
    const environment = await runCode(interpreter, container, 'import js, os\nprint(js.JSON.stringify(js.process.env))\nprint(dict(os.environ))');
    expect(environment.logs).toMatch(/^\{\}\n/);
    expect(environment.logs).not.toContain(secret);
  });

  it('cannot signal, debug or renice another process', async () => {
    const pid = bystander.pid!;
    const attempts = [
      `import js\njs.process.kill(${pid}, 'SIGKILL')`,
      `import js\njs.process._kill(${pid}, 9)`,
      // SIGUSR1 would open the target's inspector (and ends a plain process such as this one).
      `import js\njs.process._debugProcess(${pid})`,
      `import js\njs.process.getBuiltinModule('node:os').setPriority(${pid}, 19)`,
      "import js\njs.process.getBuiltinModule('node:inspector').open(0)",
    ];
    for (const attempt of attempts) {
      const report = await runCode(interpreter, container, attemptCode(attempt, 0.1));
      expectBlocked(report, attempt);
    }
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(bystander.exitCode).toBeNull();
    expect(getPriority(pid)).toBe(0);
  });

  it('cannot turn strings into JavaScript to get around any of it', async () => {
    const attempts = [
      "import pyodide_js\npyodide_js.loadPackage.constructor('return process')()",
      "from pyodide.code import run_js\nrun_js('process')",
      "import js\njs.eval('process')",
      "import js\njs.process.getBuiltinModule('node:v8').setFlagsFromString('--no-disallow-code-generation-from-strings')",
    ];
    for (const attempt of attempts) {
      const report = await runCode(interpreter, container, attemptCode(attempt));
      expectBlocked(report, attempt);
    }
  });

  it('interrupts an endless loop at the time limit (KeyboardInterrupt), keeping the container\'s state', async () => {
    const looping = newContainer();
    await runCode(interpreter, looping, "before = 'defined'");
    const report = await runCode(interpreter, looping, "print('looping')\nwhile True:\n    pass");
    expect(report.status).toBe('failed');
    expect(report.logs).toMatch(/^looping\nTraceback \(most recent call last\):\n/);
    expect(report.logs).toMatch(/\nKeyboardInterrupt\nExecution stopped: the code ran past the time limit of 3000 ms and was interrupted\. Variables defined so far are kept\.$/);
    expect((await runCode(interpreter, looping, 'before')).logs).toBe("'defined'");
  });

  it('kills an endless loop that ignores the interrupt, and the next call works', async () => {
    const looping = newContainer();
    await runCode(interpreter, looping, "before = 'defined'");
    const report = await runCode(interpreter, looping, [
      'while True:',
      '    try:',
      '        while True:',
      '            pass',
      '    except KeyboardInterrupt:',
      "        print('ignoring the interrupt')",
    ].join('\n'));
    expect(report.status).toBe('failed');
    expect(report.logs).toBe('ignoring the interrupt\nExecution stopped: the code ran past the time limit of 3000 ms and did not stop when interrupted. '
      + 'The interpreter was stopped: the next call starts a new one, without the variables defined so far.');
    const next = await runCode(interpreter, looping, "print('alive')\nbefore");
    expect(next.status).toBe('completed');
    expect(next.logs).toMatch(/^Note: this container's interpreter was restarted after a call ran past the time limit; variables defined before are gone\.\nalive\n/);
    expect(next.logs).toContain("NameError: name 'before' is not defined");
    expect((await runCode(interpreter, looping, '6 * 7')).logs).toBe('42');
  });

  it('stops a Python memory bomb at the cap with MemoryError, keeping the container', async () => {
    const bomb = newContainer();
    await runCode(interpreter, bomb, "survivor = 'still here'");
    const huge = await runCode(interpreter, bomb, 'data = bytearray(1024 ** 3)');
    expect(huge.status).toBe('completed');
    expect(huge.logs).toContain('MemoryError');
    const growing = await runCode(interpreter, bomb, 'chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 ** 2))');
    expect(growing.logs).toContain('MemoryError');
    expect((await runCode(interpreter, bomb, 'del chunks\nsurvivor')).logs).toBe("'still here'");
  });

  it('kills a worker whose memory grows past the cap outside Python\'s heap, and the next call works', async () => {
    const bomb = newContainer();
    const report = await runCode(interpreter, bomb, [
      'import js',
      'buffers = []',
      'while True:',
      '    buffers.append(js.Uint8Array.new(32 * 1024 ** 2).fill(1))',
    ].join('\n'));
    expect(report.status).toBe('failed');
    expect(report.logs).toBe('Execution stopped: the interpreter went past the memory limit of 384 MB. '
      + 'The interpreter was stopped: the next call starts a new one, without the variables defined so far.');
    expect((await runCode(interpreter, bomb, '1 + 1')).logs).toMatch(/restarted after it went past the memory limit.*\n2$/);
  });
});
