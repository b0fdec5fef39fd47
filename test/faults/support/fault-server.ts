/**
 * A small loopback HTTP server standing in for an AWS endpoint (S3, CloudWatch, Secrets Manager)
 * that misbehaves on demand. Modes:
 *  - `pass`: forwards to `upstream` (s3rver) or, without one, answers like the service would;
 *  - `reset`: accepts the connection and resets it at once;
 *  - `error500`: answers 500 with the service's error shape;
 *  - `throttle`: answers the service's throttling error (S3 503 SlowDown, JSON ThrottlingException);
 *  - `stall-body`: sends 200 headers and half a body, then nothing more;
 *  - `black-hole`: reads the request and never answers.
 * A refused connection needs nothing listening: `refusedUrl` is a port that was free a moment ago.
 */
import { createServer as createNetServer } from 'node:net';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type FaultMode = 'pass' | 'reset' | 'error500' | 'throttle' | 'stall-body' | 'black-hole';
export const FAULT_MODES: readonly Exclude<FaultMode, 'pass'>[] = ['reset', 'error500', 'throttle', 'stall-body', 'black-hole'];

/** What `pass` answers for a JSON-protocol call (CloudWatch, Secrets Manager) without an upstream. */
export type JsonResponder = (target: string, body: unknown) => unknown;

export class FaultServer {
  mode: FaultMode = 'pass';
  /** Requests seen, by `x-amz-target` (JSON protocols) or `METHOD path` (S3). */
  readonly seen: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly upstream: string | undefined,
    private readonly json: JsonResponder | undefined,
  ) {}

  static async start(options: { upstream?: string; json?: JsonResponder } = {}): Promise<FaultServer> {
    let self: FaultServer | undefined;
    const server = createServer((req, res) => self?.handle(req, res));
    server.on('connection', (socket) => {
      if (self?.mode === 'reset') socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    self = new FaultServer(server, `http://127.0.0.1:${port}`, options.upstream, options.json);
    return self;
  }

  /** A loopback URL nothing listens on: connections are refused. */
  static async refusedUrl(): Promise<string> {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    this.seen.push(target || `${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.answer(req, res, target, Buffer.concat(chunks)));
  }

  private answer(req: IncomingMessage, res: ServerResponse, target: string, body: Buffer): void {
    const isJson = target !== '';
    switch (this.mode) {
      case 'black-hole':
        return;
      case 'stall-body':
        res.writeHead(200, { 'content-type': isJson ? 'application/x-amz-json-1.1' : 'application/xml', 'content-length': '4096' });
        res.write(isJson ? '{"SecretString": "' : '<?xml version="1.0" encoding="UTF-8"?><PutObjectResult>');
        return;
      case 'error500':
        return this.error(res, isJson, 500, 'InternalFailure', 'InternalError');
      case 'throttle':
        return isJson ? this.error(res, true, 400, 'ThrottlingException', '') : this.error(res, false, 503, '', 'SlowDown');
      case 'reset':
        res.destroy();
        return;
      case 'pass':
        if (isJson) {
          const out = this.json ? this.json(target, body.length > 0 ? JSON.parse(body.toString('utf8')) : {}) : {};
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(out));
          return;
        }
        return this.forward(req, res, body);
    }
  }

  private error(res: ServerResponse, isJson: boolean, status: number, jsonType: string, s3Code: string): void {
    if (isJson) {
      res
        .writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-query-error': `${jsonType};Sender` })
        .end(JSON.stringify({ __type: jsonType, message: 'injected fault' }));
    } else {
      res
        .writeHead(status, { 'content-type': 'application/xml' })
        .end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${s3Code}</Code><Message>injected fault</Message></Error>`);
    }
  }

  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    if (!this.upstream) {
      res.writeHead(502).end('no upstream');
      return;
    }
    const up = new URL(this.upstream);
    const out = httpRequest(
      // The Host header stays the client's: it is part of the SigV4 signature s3rver checks.
      { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  }
}
