/**
 * A TEST DOUBLE of one S3 behaviour that s3rver (3.7) lacks: conditional PutObject. s3rver
 * ignores `If-Match` and `If-None-Match` on writes (checked in its lib/controllers/object.js: only
 * GET honours If-None-Match), so two runners could overwrite each other's index there. This proxy
 * sits in front of s3rver and, for a PUT carrying either header, compares the object's current
 * ETag (a HEAD to s3rver) and answers 412 PreconditionFailed as S3 does
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 * s3rver also writes objects in place (a GET during a PUT can read half a file, which S3 never
 * serves), so the double runs the requests of one key one at a time: the check and the write
 * are then atomic, as on S3. Requests pass through untouched, signatures included.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class ConditionalS3Proxy {
  /** PUTs answered 412, for assertions that the conditional path was exercised. */
  rejected = 0;
  conditional = 0;
  private readonly locks = new Map<string, Promise<void>>();
  private constructor(
    private readonly server: http.Server,
    private readonly upstreamPort: number,
  ) {}

  static async start(upstreamPort: number): Promise<ConditionalS3Proxy> {
    let proxy: ConditionalS3Proxy | undefined;
    const server = http.createServer((req, res) => {
      proxy?.handle(req, res).catch((err: unknown) => {
        // Never leave the client waiting: a broken upstream exchange becomes a 502 it can retry.
        if (!res.headersSent) res.writeHead(502);
        res.end(String(err));
      });
    });
    proxy = new ConditionalS3Proxy(server, upstreamPort);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      const up = http.request(
        { host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
          r.on('end', resolve);
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  }

  private currentEtag(req: http.IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      // An unsigned HEAD: s3rver serves it, and it saves re-signing the caller's request. A fresh
      // connection each time: s3rver's HEAD answers upset a kept-alive socket's next response.
      const up = http.request(
        { host: '127.0.0.1', port: this.upstreamPort, method: 'HEAD', path: req.url?.split('?')[0], agent: false },
        (r) => {
          r.resume();
          resolve(r.statusCode === 200 ? String(r.headers.etag ?? '') : undefined);
        },
      );
      up.on('error', reject);
      up.end();
    });
  }

  /** Runs `work` after every earlier request on the same key has finished. */
  private async serialised(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    await previous;
    try {
      await work();
    } finally {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    const conditional = req.method === 'PUT' && (ifMatch !== undefined || ifNoneMatch !== undefined);
    if (conditional) this.conditional++;
    await this.serialised(req.url?.split('?')[0] ?? '', async () => {
      if (conditional && (await this.preconditionFails(req, ifMatch, ifNoneMatch))) {
        this.rejected++;
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
        );
        return;
      }
      // Forwarded as signed (the condition headers are part of the signature); s3rver ignores them.
      await this.forward(req, body, res);
    });
  }

  private async preconditionFails(
    req: http.IncomingMessage,
    ifMatch: string | undefined,
    ifNoneMatch: string | string[] | undefined,
  ): Promise<boolean> {
    const etag = await this.currentEtag(req);
    if (ifNoneMatch === '*') return etag !== undefined;
    const unquote = (v: string | undefined) => v?.replace(/"/g, '');
    return ifMatch !== undefined && (etag === undefined || unquote(etag) !== unquote(ifMatch));
  }
}
