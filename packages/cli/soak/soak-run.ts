/**
 * One soak: two `agentport serve` processes on loopback, each on its own SQLite file, fed by the
 * soak's fake vLLM. The steady one takes most of the load and is never killed: its memory and
 * open descriptors are sampled from /proc. The victim takes the rest and is SIGKILLed and
 * restarted on its database every `crashEverySeconds`. Clients stream over SSE and WebSocket
 * against upstreams that answer, drip, send garbage, cut, hang or refuse; some leave mid-stream;
 * some send bad requests. Every turn is checked (soak-clients.ts) and, stored, replayed from
 * the event log and compared event by event. Bounded by time and by turns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  BAD_REQUESTS, badRequest, checkStream, checkTurn, replayEvents, retrieveStatus, sseTurn, type SseTurn, type StreamEvent, TurnCutError, type TurnPlan, WebSocketClient,
} from './soak-clients.ts';
import { type ProcessUsage, type ServeProcess, startServe } from './serve-process.ts';
import { startSoakUpstream, type UpstreamBehaviour } from './soak-upstream.ts';

export interface SoakOptions {
  repoRoot: string;
  /** Wall-clock bound; the soak also stops after `maxTurns`. */
  seconds: number;
  maxTurns: number;
  /** Concurrent SSE clients (each one turn after another), three quarters of them on the steady process. */
  sseClients: number;
  /** Concurrent WebSocket clients, each on one connection, three quarters on the steady process. */
  wsClients: number;
  /** SIGKILL and restart of the victim this often; null: never. */
  crashEverySeconds: number | null;
  sampleEverySeconds: number;
  /** The turn mix is drawn from this seed, so a run can be repeated. */
  seed: number;
  log: (line: string) => void;
}

/** What a run found. `problems` counts every check that failed; `examples` says the first few in words. */
export interface SoakReport {
  seconds: number;
  turns: number;
  byKind: Record<string, number>;
  problems: number;
  problemsByCheck: Record<string, number>;
  examples: string[];
  events: number;
  replayed: number;
  badRequests: { sent: number; status5xx: number; notOpenAiShaped: number };
  crashes: number;
  /** Turns on the victim cut by a crash, and how their stored responses were found after the restart. */
  interrupted: { turns: number; checked: number; endedAfterRestart: Record<string, number>; backgroundResumed: number; backgroundGaveUp: number };
  steady: {
    rssStartMb: number; rssEndMb: number; rssMaxMb: number; fdsStart: number; fdsEnd: number; fdsMax: number; samples: number;
    /** Each sample: resident memory, anonymous (heaps, allocator) and file-backed (code, mapped files) apart. */
    memory: MemorySample[];
    /**
     * The lowest figures of the first and the last fifth of the samples: RSS and the heap rise and
     * fall with V8's collections, so a leak shows in what they come back down to, not in any one sample.
     */
    floors: { early: MemoryFloor; late: MemoryFloor };
  };
}

/** One look at the steady process: resident memory (anonymous and file-backed apart) and its JavaScript heap, from /metrics. */
/** `externalMb`: C++ memory bound to JavaScript objects (buffers), outside the heap: part of what anonymous RSS holds beyond `heapTotal`. */
export interface MemorySample {
  atSeconds: number; turns: number; rssMb: number; anonMb: number;
  /** Of `anonMb`, what sits in glibc's malloc heaps (SQLite, Node's and V8's own allocations, and what the allocator keeps freed). */
  mallocMb: number;
  fileMb: number; heapUsedMb: number; heapTotalMb: number;
  /** Of `heapTotalMb` (reserved), what is resident. */
  heapPhysicalMb: number;
  externalMb: number;
}
export interface MemoryFloor { rssMb: number; heapUsedMb: number; mallocMb: number }

type TurnKind = 'sse' | 'sse-hostile' | 'sse-leave' | 'bad-request' | 'background';
const API_KEY = 'sk-soak';
const HOSTILE: readonly UpstreamBehaviour[] = ['drip', 'garbage', 'cut', 'hang', 'refuse'];
const MAX_EXAMPLES = 20;
/** Runs at least this long check the steady process's memory for a leak (shorter ones see too few collections). */
const LEAK_CHECK_SECONDS = 600;
/** The gateway's default `backgroundMaxResumes`, which the serve processes keep. */
const BACKGROUND_MAX_RESUMES = 3;

/** A process the clients talk to; the victim's is replaced after each crash. */
class Target {
  generation = 0;
  /** A restart is under way (the process is not serving yet). */
  isRestarting = false;
  private restarting: Promise<void> | undefined;
  private process: ServeProcess;
  private readonly restart: () => Promise<ServeProcess>;

  readonly name: string;

  constructor(name: string, process: ServeProcess, restart: () => Promise<ServeProcess>) {
    this.name = name;
    this.process = process;
    this.restart = restart;
  }

  /** The URL to use now, after any restart in progress, with the generation it belongs to. */
  async current(): Promise<{ url: string; generation: number }> {
    await this.restarting;
    return { url: this.process.url, generation: this.generation };
  }

  usage(): ProcessUsage {
    return this.process.usage();
  }

  /**
   * SIGKILL and a restart on the same database. A crash due while the last restart is still
   * starting waits for it: two processes never share the file (recovery at start takes every
   * unfinished response as its own, as a SQLite store's one process must).
   */
  crash(): Promise<void> {
    const previous = this.restarting;
    this.isRestarting = true;
    const restarting = (async () => {
      await previous;
      this.generation += 1;
      await this.process.kill();
      this.process = await this.restart();
    })();
    this.restarting = restarting;
    return restarting.finally(() => {
      if (this.restarting === restarting) this.isRestarting = false;
    });
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

/** A small seeded generator (mulberry32): the same seed draws the same mix. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = randomSource(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const workdir = mkdtempSync(join(tmpdir(), 'agentport-soak-'));
  const upstream = await startSoakUpstream();
  const serveOn = (db: string, role: 'steady' | 'victim') => () => startServe({
    repoRoot: options.repoRoot, upstreamUrl: upstream.url, db: join(workdir, db), apiKey: API_KEY,
    env: {
      // A hanging upstream ends in a second, a refusing one is retried quickly: the soak sees many.
      AGENTPORT_VLLM__STREAM_IDLE_TIMEOUT_MS: '1000',
      AGENTPORT_VLLM__RETRY_INITIAL_DELAY_MS: '10',
      AGENTPORT_GATEWAY__STORE_RETRY_MS: '200',
      ...prefixedEnvironment(process.env, 'SOAK_SERVE_'),
      ...(role === 'steady' ? prefixedEnvironment(process.env, 'SOAK_STEADY_') : {}),
    },
  });
  const steady = new Target('steady', await serveOn('steady.db', 'steady')(), serveOn('steady.db', 'steady'));
  const victim = new Target('victim', await serveOn('victim.db', 'victim')(), serveOn('victim.db', 'victim'));

  const report: SoakReport = {
    seconds: 0, turns: 0, byKind: {}, problems: 0, problemsByCheck: {}, examples: [], events: 0, replayed: 0,
    badRequests: { sent: 0, status5xx: 0, notOpenAiShaped: 0 }, crashes: 0,
    interrupted: { turns: 0, checked: 0, endedAfterRestart: {}, backgroundResumed: 0, backgroundGaveUp: 0 },
    steady: { rssStartMb: 0, rssEndMb: 0, rssMaxMb: 0, fdsStart: 0, fdsEnd: 0, fdsMax: 0, samples: 0, memory: [], floors: { early: { rssMb: 0, heapUsedMb: 0, mallocMb: 0 }, late: { rssMb: 0, heapUsedMb: 0, mallocMb: 0 } } },
  };
  const startedAt = Date.now();
  const problem = (check: string, text: string) => {
    report.problems += 1;
    report.problemsByCheck[check] = (report.problemsByCheck[check] ?? 0) + 1;
    if (report.examples.length < MAX_EXAMPLES) {
      report.examples.push(`${check}: ${text}`);
      // Said when found, with the time: a long run's log shows what went wrong and when.
      options.log(`soak: problem at ${Math.round((Date.now() - startedAt) / 1000)} s: ${check}: ${text}`);
    }
  };
  /** Stored responses a crash cut, to look at once their process is back. */
  const cutByCrash: Array<{ id: string; plan: TurnPlan; generation: number }> = [];

  const deadline = startedAt + options.seconds * 1000;
  let turnsStarted = 0;
  const more = () => Date.now() < deadline && turnsStarted < options.maxTurns;

  /** One SSE turn of the given kind against a target, checked. */
  async function sseWork(target: Target): Promise<void> {
    const kind: TurnKind = pickKind();
    report.byKind[kind] = (report.byKind[kind] ?? 0) + 1;
    const { url, generation } = await target.current();
    if (kind === 'bad-request') {
      const bad = pick(BAD_REQUESTS);
      report.badRequests.sent += 1;
      const answer = await badRequest(url, API_KEY, bad).catch((error: unknown) => {
        if (target.generation !== generation) return undefined;
        throw error;
      });
      if (!answer) return;
      if (answer.status >= 500) {
        report.badRequests.status5xx += 1;
        problem('bad_input_5xx', `${bad.name}: ${answer.status}`);
      } else if (answer.status < 400) problem('bad_input_accepted', `${bad.name}: ${answer.status}`);
      if (!answer.openAiShaped) {
        report.badRequests.notOpenAiShaped += 1;
        problem('bad_input_shape', `${bad.name}: the body is not an OpenAI error`);
      }
      return;
    }
    const plan: TurnPlan = {
      behaviour: kind === 'sse-hostile' ? pick(HOSTILE) : 'ok',
      // Background turns run longer (1 to 3 s), so crashes cut some of them.
      tokens: kind === 'sse-hostile' ? 4 + Math.floor(random() * 12) : kind === 'background' ? 200 + Math.floor(random() * 400) : 10 + Math.floor(random() * 150),
      store: kind === 'background' || random() < 0.7,
      ...(kind === 'background' ? { background: true } : {}),
    };
    const leaveAfter = kind === 'sse-leave' ? 1 + Math.floor(random() * 5) : undefined;
    let result: SseTurn;
    try {
      result = await sseTurn(url, API_KEY, plan, leaveAfter);
    } catch (error) {
      if (target.generation !== generation) return noteInterrupted(plan, generation);
      problem('client_error', `${plan.behaviour} over SSE: ${String(error)}`);
      return;
    }
    if (result.broken !== undefined) {
      const id = result.events[0]?.response?.id;
      if (target.generation !== generation) return noteInterrupted(plan, generation, id);
      problem('client_error', `${plan.behaviour} over SSE, after ${result.events.length} events: ${result.broken}`);
      return;
    }
    if (result.status !== 200) {
      problem('unexpected_status', `${plan.behaviour} over SSE: ${result.status}`);
      return;
    }
    report.events += result.events.length;
    const responseId = result.events[0]?.response?.id;
    if (target.generation !== generation && !result.events.some((event) => event.type.startsWith('response.') && isTerminal(event))) {
      return noteInterrupted(plan, generation, responseId);
    }
    if (result.aborted) {
      checkPrefix(plan, result.events);
      // The client left: the run is cancelled, never left running.
      if (plan.store && responseId) {
        const status = await settledStatus(url, responseId);
        if (target.generation === generation && status.status !== 'cancelled') problem('left_running', `${responseId}: the client left and it ended ${status.status}, not cancelled`);
      }
      return;
    }
    const verdict = checkTurn(plan, result.events);
    if (!verdict.ok) {
      // A stream the crash cut is not the gateway losing events.
      if (target.generation !== generation) return noteInterrupted(plan, generation, responseId);
      problem("stream", `${target.name}, ${kind}${plan.store ? ", stored" : ""}: ${verdict.problem} (${result.events.length} events)`);
      return;
    }
    if (plan.store && responseId) await compareReplay(url, responseId, result.events, target, generation);
  }

  /** A turn of `generation` the next crash cut. */
  function noteInterrupted(plan: TurnPlan, generation: number, responseId?: string): void {
    report.interrupted.turns += 1;
    if (plan.store && responseId) cutByCrash.push({ id: responseId, plan, generation });
  }

  /**
   * A background response a crash cut, resumed by each restarted process: its log tells one whole
   * stream with the answer the upstream gave. The gateway gives up (`server_restarted`) only once
   * as many crashes in a row cut it as `backgroundMaxResumes` allows resumes, plus the first.
   */
  function checkResumed(id: string, plan: TurnPlan, status: { incomplete?: string }, crashesSince: number, events: StreamEvent[]): void {
    const gaveUp = status.incomplete === 'server_restarted';
    if (gaveUp && crashesSince < BACKGROUND_MAX_RESUMES + 1) {
      problem('resumed', `${id}: ended server_restarted after ${crashesSince} crashes, before its ${BACKGROUND_MAX_RESUMES} resumes were spent`);
      return;
    }
    const verdict = gaveUp ? checkStream(plan, events) : checkTurn(plan, events);
    if (!verdict.ok) problem('resumed', `${id}: ${verdict.problem}`);
    else if (gaveUp) report.interrupted.backgroundGaveUp += 1;
    else report.interrupted.backgroundResumed += 1;
  }

  /** A client that left still saw a gapless start. */
  function checkPrefix(plan: TurnPlan, events: readonly StreamEvent[]): void {
    events.forEach((event, index) => {
      if (event.sequence_number !== index) problem('stream', `${plan.behaviour}, left early: event ${index} has sequence_number ${event.sequence_number}`);
    });
  }

  async function compareReplay(url: string, responseId: string, streamed: readonly StreamEvent[], target: Target, generation: number): Promise<void> {
    let replayed: StreamEvent[];
    try {
      replayed = await replayEvents(url, API_KEY, responseId);
    } catch (error) {
      if (target.generation === generation) problem('replay', `${responseId}: ${String(error)}`);
      return;
    }
    report.replayed += 1;
    if (replayed.length !== streamed.length) {
      problem('replay', `${responseId}: ${replayed.length} events replayed, ${streamed.length} streamed`);
      return;
    }
    const differs = replayed.findIndex((event, index) => !isDeepStrictEqual(event, streamed[index]));
    if (differs >= 0) problem('replay', `${responseId}: replayed event ${differs} (${replayed[differs]!.type}) differs from the one streamed`);
  }

  function pickKind(): TurnKind {
    const draw = random();
    if (draw < 0.5) return 'sse';
    if (draw < 0.7) return 'sse-hostile';
    if (draw < 0.8) return 'sse-leave';
    if (draw < 0.9) return 'bad-request';
    return 'background';
  }

  async function sseClient(target: Target): Promise<void> {
    while (more()) {
      turnsStarted += 1;
      report.turns += 1;
      // A check that throws is a finding, not the end of the soak, unless a crash of its process caused it.
      const generation = target.generation;
      await sseWork(target).catch((error: unknown) => {
        if (target.generation !== generation) report.interrupted.turns += 1;
        else problem('client_error', `${target.name}: ${String(error)}${error instanceof Error && error.cause ? ` (${String(error.cause)})` : ''}`);
      });
    }
  }

  async function wsClient(target: Target): Promise<void> {
    while (more()) {
      const { url, generation } = await target.current();
      let client: WebSocketClient;
      try {
        client = await WebSocketClient.open(url, API_KEY);
      } catch (error) {
        if (target.generation === generation) problem('client_error', `WebSocket open: ${String(error)}`);
        continue;
      }
      try {
        while (more() && target.generation === generation) {
          turnsStarted += 1;
          report.turns += 1;
          report.byKind.ws = (report.byKind.ws ?? 0) + 1;
          const hostile = random() < 0.25;
          const plan: TurnPlan = { behaviour: hostile ? pick(HOSTILE) : 'ok', tokens: hostile ? 6 : 10 + Math.floor(random() * 100), store: random() < 0.7 };
          let events: StreamEvent[];
          try {
            events = await client.turn(plan);
          } catch (error) {
            if (target.generation !== generation) {
              const id = error instanceof TurnCutError ? error.events[0]?.response?.id : undefined;
              noteInterrupted(plan, generation, id);
              break;
            }
            problem('client_error', `${plan.behaviour} over WebSocket: ${String(error)}`);
            break;
          }
          report.events += events.length;
          const verdict = checkTurn(plan, events);
          if (!verdict.ok) problem('stream', `WebSocket ${verdict.problem}`);
          else if (plan.store) await compareReplay(url, events[0]!.response!.id, events, target, generation);
        }
      } finally {
        client.close();
      }
    }
  }

  const sample = async () => {
    const usage = steady.usage();
    const heap = await heapOf((await steady.current()).url).catch(() => undefined);
    const mb = usage.rssBytes / 1_048_576;
    report.steady.memory.push({
      atSeconds: Math.round((Date.now() - startedAt) / 1000), turns: report.turns,
      rssMb: round1(mb), anonMb: round1(usage.rssAnonBytes / 1_048_576), mallocMb: round1(usage.rssMallocBytes / 1_048_576), fileMb: round1(usage.rssFileBytes / 1_048_576),
      heapUsedMb: round1((heap?.usedBytes ?? Number.NaN) / 1_048_576), heapTotalMb: round1((heap?.totalBytes ?? Number.NaN) / 1_048_576),
      heapPhysicalMb: round1((heap?.physicalBytes ?? Number.NaN) / 1_048_576),
      externalMb: round1((heap?.externalBytes ?? Number.NaN) / 1_048_576),
    });
    if (report.steady.samples === 0) {
      report.steady.rssStartMb = mb;
      report.steady.fdsStart = usage.fds;
    }
    report.steady.samples += 1;
    report.steady.rssEndMb = mb;
    report.steady.fdsEnd = usage.fds;
    report.steady.rssMaxMb = Math.max(report.steady.rssMaxMb, mb);
    report.steady.fdsMax = Math.max(report.steady.fdsMax, usage.fds);
  };

  const onVictim = (count: number) => Math.floor(count / 4);
  const clients = [
    ...Array.from({ length: options.sseClients - onVictim(options.sseClients) }, () => sseClient(steady)),
    ...Array.from({ length: onVictim(options.sseClients) }, () => sseClient(victim)),
    ...Array.from({ length: options.wsClients - onVictim(options.wsClients) }, () => wsClient(steady)),
    ...Array.from({ length: onVictim(options.wsClients) }, () => wsClient(victim)),
  ];
  // The first sample after the clients start: the process as the load finds it warm.
  const sampler = setInterval(() => void sample(), options.sampleEverySeconds * 1000);
  const crasher = options.crashEverySeconds === null ? undefined : setInterval(() => {
    // A restart slower than the interval (a loaded machine) is let finish: crashes never pile up.
    if (victim.isRestarting) return;
    report.crashes += 1;
    options.log(`soak: SIGKILL of the victim (crash ${report.crashes}), restart on its database`);
    victim.crash().catch((error: unknown) => problem('restart', String(error)));
  }, options.crashEverySeconds * 1000);
  const progress = setInterval(() => {
    options.log(`soak: ${Math.round((Date.now() - startedAt) / 1000)} s, ${report.turns} turns, ${report.problems} problems, steady RSS ${report.steady.rssEndMb.toFixed(0)} MB, ${report.steady.fdsEnd} fds`);
  }, 30_000);
  try {
    await Promise.all(clients);
    clearInterval(crasher);
    // What the crashes cut: once the victim is back, nothing of it may stay running.
    const { url } = await victim.current();
    for (const { id, plan, generation } of cutByCrash) {
      const status = await settledStatus(url, id);
      report.interrupted.checked += 1;
      const said = status.incomplete ?? status.error ?? status.status;
      report.interrupted.endedAfterRestart[said] = (report.interrupted.endedAfterRestart[said] ?? 0) + 1;
      if (status.status === 'in_progress' || status.status === 'queued') problem('left_running', `${id} is still ${status.status} after the restart`);
      else if (plan.background) checkResumed(id, plan, status, victim.generation - generation, await replayEvents(url, API_KEY, id));
    }
    // Idle for a moment, then the last sample: what the steady process holds with no load.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await sample();
    report.steady.floors = memoryFloors(report.steady.memory);
    const { early, late } = report.steady.floors;
    // A leak shows as a heap that holds more after its collections late in a long run than early;
    // a native one (SQLite, Node's own allocations) as malloc heaps that do.
    const grew = (from: number, to: number) => to > from * 1.2 && to - from > 10;
    if ((Date.now() - startedAt) / 1000 >= LEAK_CHECK_SECONDS) {
      if (grew(early.heapUsedMb, late.heapUsedMb)) {
        problem('memory', `the steady process's heap after collections grew from ${early.heapUsedMb} MB to ${late.heapUsedMb} MB`);
      }
      if (grew(early.mallocMb, late.mallocMb)) {
        problem('memory', `the steady process's malloc heaps grew from ${early.mallocMb} MB to ${late.mallocMb} MB`);
      }
    }
  } finally {
    clearInterval(sampler);
    clearInterval(crasher);
    clearInterval(progress);
    await Promise.allSettled([steady.stop(), victim.stop()]);
    await upstream.close();
    rmSync(workdir, { recursive: true, force: true });
  }
  report.seconds = Math.round((Date.now() - startedAt) / 1000);
  return report;
}

/**
 * `SOAK_SERVE_<NAME>=value` reaches the serve processes as `<NAME>=value`: e.g.
 * `SOAK_SERVE_NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2` to look into their memory as they run,
 * `SOAK_SERVE_MALLOC_ARENA_MAX=2`, or any `AGENTPORT_*` setting. `SOAK_STEADY_<NAME>` reaches only
 * the steady process (a native memory profiler preloaded into the one whose memory is sampled).
 */
function prefixedEnvironment(env: NodeJS.ProcessEnv, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env)
    .filter((entry): entry is [string, string] => entry[0].startsWith(prefix) && entry[0].length > prefix.length && entry[1] !== undefined)
    .map(([name, value]) => [name.slice(prefix.length), value]));
}

/** The heap figures the process serves at /metrics. */
async function heapOf(url: string): Promise<{ usedBytes: number; totalBytes: number; physicalBytes: number; externalBytes: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    usedBytes: read('nodejs_heap_size_used_bytes'), totalBytes: read('nodejs_heap_size_total_bytes'),
    physicalBytes: read('nodejs_heap_size_physical_bytes'), externalBytes: read('nodejs_external_memory_bytes'),
  };
}

function memoryFloors(samples: readonly MemorySample[]): { early: MemoryFloor; late: MemoryFloor } {
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const floor = (part: readonly MemorySample[]): MemoryFloor => ({
    rssMb: Math.min(...part.map((sample) => sample.rssMb)),
    heapUsedMb: Math.min(...part.map((sample) => sample.heapUsedMb).filter((value) => !Number.isNaN(value))),
    mallocMb: Math.min(...part.map((sample) => sample.mallocMb)),
  });
  return { early: floor(samples.slice(0, fifth)), late: floor(samples.slice(-fifth)) };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function isTerminal(event: StreamEvent): boolean {
  return event.type === 'response.completed' || event.type === 'response.failed' || event.type === 'response.incomplete';
}

/** A response's status once it stopped changing (a background one the restart resumed runs on). */
async function settledStatus(url: string, id: string): Promise<{ status: string; error?: string; incomplete?: string }> {
  for (let attempt = 0; ; attempt += 1) {
    const status = await retrieveStatus(url, API_KEY, id);
    if ((status.status !== 'in_progress' && status.status !== 'queued') || attempt >= 50) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
