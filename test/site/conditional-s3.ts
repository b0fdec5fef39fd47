/**
 * A TEST DOUBLE of one S3 behaviour that s3rver (3.7) lacks: conditional PutObject. s3rver
 * ignores `If-Match` and `If-None-Match` on writes (checked in its lib/controllers/object.js: only
 * GET honours If-None-Match), so two runners could overwrite each other's index there. This proxy
 * sits in front of s3rver and, for a PUT carrying either header, compares the object's current
 * ETag (a HEAD to s3rver) and answers 412 PreconditionFailed as S3 does
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html); the check and
 * the write are serialised per key, as S3 makes them atomic. Everything else passes through
 * untouched, signatures included (the Host header is kept).
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
    const server = http.createServer((req, res) => void proxy?.handle(req, res));
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
      // An unsigned HEAD: s3rver serves it, and it saves re-signing the caller's request.
      const up = http.request({ host: '127.0.0.1', port: this.upstreamPort, method: 'HEAD', path: req.url?.split('?')[0] }, (r) => {
        r.resume();
        resolve(r.statusCode === 200 ? String(r.headers.etag ?? '') : undefined);
      });
      up.on('error', reject);
      up.end();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    if (req.method !== 'PUT' || (ifMatch === undefined && ifNoneMatch === undefined)) return this.forward(req, body, res);
    this.conditional++;
    const key = req.url?.split('?')[0] ?? '';
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.locks.set(
      key,
      previous.then(() => mine),
    );
    await previous;
    try {
      const etag = await this.currentEtag(req);
      const unquote = (v: string | undefined) => v?.replace(/"/g, '');
      const failed =
        ifNoneMatch === '*'
          ? etag !== undefined
          : ifMatch !== undefined && (etag === undefined || unquote(etag) !== unquote(String(ifMatch)));
      if (failed) {
        this.rejected++;
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>',
        );
        return;
      }
      // Forwarded as signed (the condition headers are part of the signature); s3rver ignores them.
      await this.forward(req, body, res);
    } finally {
      release();
    }
  }
}
