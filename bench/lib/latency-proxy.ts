/**
 * A TCP proxy on loopback that stands in for a slow network link between a runner and its
 * warehouse: every chunk is held for `delayMs` in each direction (so one round trip costs
 * 2 × delayMs more), and the PostgreSQL frontend messages that cross it are counted.
 *
 * Why a proxy and not `tc netem`: it needs no privileges, cannot be left behind on the machine's
 * loopback after a crash, and counts round trips on the same path that adds the latency. Every
 * tool in a scenario goes through the same proxy.
 *
 * Round trips are counted two ways:
 * - `queries`: Query ('Q') and Sync ('S') messages. Each is a point where a PostgreSQL client
 *   waits for ReadyForQuery, i.e. a network round trip of the extended or simple protocol.
 * - `turns`: how often traffic changes direction from server→client back to client→server (the
 *   client speaking again after the server answered), protocol-independent; it includes the
 *   connection handshake.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** Counts of what crossed the proxy, summed over all connections since `reset()`. */
export interface LinkCounters {
  connections: number;
  /** 'Q' + 'S' frontend messages: round trips spent on statements. */
  queries: number;
  /** Simple-protocol Query messages alone. */
  simpleQueries: number;
  /** Extended-protocol Sync messages alone. */
  syncs: number;
  /** Client-speaks-after-server-answered flips, handshakes included. */
  turns: number;
  bytesToServer: number;
  bytesToClient: number;
  /** performance.now() when the first statement (Query or Parse) arrived; undefined before. */
  firstStatementAt: number | undefined;
  /** Every frontend message type seen, by its one-letter code (startup messages as `startup`). */
  messages: Record<string, number>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * Splits the client→server byte stream into PostgreSQL frontend messages (protocol 3), across
 * chunk boundaries. The first message(s) have no type byte (StartupMessage, SSLRequest,
 * GSSENCRequest, CancelRequest); all later ones are `type:u8 length:i32 payload`.
 */
export class FrontendMessageCounter {
  private buffer: Buffer = Buffer.alloc(0);
  private startupDone = false;
  readonly counts: Record<string, number> = {};

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.startupDone) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        // The server answers an SSL/GSS request with one byte; the real startup follows.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startupDone = true;
        this.bump('startup');
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return;
      this.bump(String.fromCharCode(this.buffer[0]!));
      this.buffer = this.buffer.subarray(1 + length);
    }
  }

  /** Forgets the counts but not the parsing state (the connection goes on). */
  clear(): void {
    for (const key of Object.keys(this.counts)) delete this.counts[key];
  }

  private bump(key: string): void {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
}

/** Forwards chunks to `sink` in order, each no earlier than `delayMs` after it arrived. */
class DelayLine {
  private readonly queue: { due: number; chunk: Buffer }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly source: net.Socket,
    private readonly sink: net.Socket,
    private readonly delayMs: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.delayMs <= 0) {
      this.write(chunk);
      return;
    }
    this.queue.push({ due: performance.now() + this.delayMs, chunk });
    this.schedule();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.sink.end();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.due - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const now = performance.now();
    // Sub-millisecond timer slack: release whatever is due within half a millisecond.
    while (this.queue.length > 0 && this.queue[0]!.due <= now + 0.5) this.write(this.queue.shift()!.chunk);
    if (this.queue.length > 0) this.schedule();
    else if (this.ended) this.sink.end();
  }

  private write(chunk: Buffer): void {
    if (this.sink.destroyed) return;
    if (!this.sink.write(chunk)) {
      this.source.pause();
      this.sink.once('drain', () => this.source.resume());
    }
  }
}

export interface LatencyProxyOptions {
  /** Where the warehouse listens. */
  targetHost: string;
  targetPort: number;
  /** One-way delay added to every chunk in each direction. */
  delayMs: number;
  /** Count PostgreSQL frontend messages (default true). */
  parsePostgres?: boolean;
  /** Address to listen on (default 127.0.0.1; e.g. the Docker bridge gateway for a container). */
  listenHost?: string;
}

export class LatencyProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private counters: LinkCounters = emptyCounters();
  private readonly parsers: FrontendMessageCounter[] = [];

  constructor(private readonly options: LatencyProxyOptions) {}

  /** Starts listening on 127.0.0.1 (a free port); resolves with that port. */
  async start(): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.options.listenHost ?? '127.0.0.1', () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  get port(): number {
    if (!this.server) throw new Error('proxy not started');
    return (this.server.address() as net.AddressInfo).port;
  }

  /** A snapshot of the counters, message counts folded in from every connection's parser. */
  snapshot(): LinkCounters {
    const messages: Record<string, number> = {};
    for (const p of this.parsers) for (const [k, v] of Object.entries(p.counts)) messages[k] = (messages[k] ?? 0) + v;
    const simpleQueries = messages['Q'] ?? 0;
    const syncs = messages['S'] ?? 0;
    return { ...this.counters, messages, simpleQueries, syncs, queries: simpleQueries + syncs };
  }

  /** Zeroes every counter; connections that are open stay counted from here on. */
  reset(): void {
    this.counters = emptyCounters();
    for (const p of this.parsers) p.clear();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect({ host: this.options.targetHost, port: this.options.targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    this.counters.connections++;
    const parser = this.options.parsePostgres === false ? undefined : new FrontendMessageCounter();
    if (parser) this.parsers.push(parser);

    const toServer = new DelayLine(client, upstream, this.options.delayMs);
    const toClient = new DelayLine(upstream, client, this.options.delayMs);
    // A connection starts with the client speaking: that first burst is one turn.
    let lastSpeaker: 'client' | 'server' = 'server';

    client.on('data', (chunk: Buffer) => {
      if (lastSpeaker === 'server') this.counters.turns++;
      lastSpeaker = 'client';
      this.counters.bytesToServer += chunk.length;
      if (parser) {
        parser.push(chunk);
        if (this.counters.firstStatementAt === undefined && (parser.counts['Q'] || parser.counts['P']))
          this.counters.firstStatementAt = performance.now();
      }
      toServer.push(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      lastSpeaker = 'server';
      this.counters.bytesToClient += chunk.length;
      toClient.push(chunk);
    });
    client.on('end', () => toServer.end());
    upstream.on('end', () => toClient.end());
    // A clean close travels as 'end' through the delay lines (so delayed bytes still arrive);
    // an error tears down both sides at once.
    client.on('close', () => this.sockets.delete(client));
    upstream.on('close', () => this.sockets.delete(upstream));
    const fail = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', fail);
    upstream.on('error', fail);
  }
}

function emptyCounters(): LinkCounters {
  return {
    connections: 0,
    queries: 0,
    simpleQueries: 0,
    syncs: 0,
    turns: 0,
    bytesToServer: 0,
    bytesToClient: 0,
    firstStatementAt: undefined,
    messages: {},
  };
}
