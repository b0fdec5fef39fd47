/**
 * The file compressions COPY accepts (copy-parameters-file-compression: BZIP2, GZIP, LZOP, ZSTD),
 * decompressed in the process so the local store can hold the very objects the cluster reads.
 * Libraries rather than hand-written decoders: node:zlib (gzip), unbzip2-stream (bzip2, pure JS;
 * seek-bzip was tried, and prints Node's Buffer() deprecation warning on every run), fzstd (Zstandard, pure JS, several frames), lzo-wasm (LZO1X, FFmpeg's decoder
 * compiled to WebAssembly). LZOP is the container lzop(1) writes around LZO1X blocks; it is a
 * header and a list of (uncompressed size, compressed size, checksums, data) blocks, read here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export type Compression = 'GZIP' | 'BZIP2' | 'LZOP' | 'ZSTD';

/** Throws a plain Error saying why the data is not in `codec`; the caller names the object. */
export async function decompress(data: Buffer, codec: Compression): Promise<Buffer> {
  switch (codec) {
    case 'GZIP':
      return gunzipSync(data);
    case 'BZIP2':
      return bunzip(data);
    case 'ZSTD': {
      const { decompress: unzstd } = await import('fzstd');
      return Buffer.from(unzstd(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    }
    case 'LZOP':
      return unlzop(data, await lzo1x());
  }
}

/** unbzip2-stream is a stream: the whole object goes through it (concatenated bzip2 streams too). */
async function bunzip(data: Buffer): Promise<Buffer> {
  const { default: unbzip2 } = await import('unbzip2-stream');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = unbzip2();
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.end(data);
  });
}

const LZOP_MAGIC = Buffer.from([0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]);
const F_ADLER32_D = 0x1;
const F_ADLER32_C = 0x2;
const F_H_EXTRA_FIELD = 0x40;
const F_CRC32_D = 0x100;
const F_CRC32_C = 0x200;
const F_H_FILTER = 0x800;

type Lzo1x = (block: Buffer, size: number) => Buffer;

/** Every member of an .lzo file (lzop's format, as its source lzop.c writes it), decoded. */
function unlzop(data: Buffer, lzo: Lzo1x): Buffer {
  const out: Buffer[] = [];
  let p = 0;
  while (p < data.length) {
    if (!data.subarray(p, p + LZOP_MAGIC.length).equals(LZOP_MAGIC)) throw new Error('not an lzop file (bad magic)');
    p += LZOP_MAGIC.length;
    const version = data.readUInt16BE(p);
    p += 4; // version, library version
    if (version >= 0x0940) p += 2; // version needed to extract
    p += 1; // method
    if (version >= 0x0940) p += 1; // level
    const flags = data.readUInt32BE(p);
    p += 4;
    if (flags & F_H_FILTER) p += 4;
    p += 8; // mode, mtime low
    if (version >= 0x0940) p += 4; // mtime high
    p += 1 + (data[p] as number); // name
    p += 4; // header checksum
    if (flags & F_H_EXTRA_FIELD) p += 4 + data.readUInt32BE(p) + 4;
    for (;;) {
      const size = data.readUInt32BE(p);
      p += 4;
      if (size === 0) break;
      const packed = data.readUInt32BE(p);
      p += 4;
      if (flags & F_ADLER32_D) p += 4;
      if (flags & F_CRC32_D) p += 4;
      if (packed < size && flags & F_ADLER32_C) p += 4;
      if (packed < size && flags & F_CRC32_C) p += 4;
      const block = data.subarray(p, p + packed);
      p += packed;
      out.push(packed === size ? block : lzo(block, size));
    }
  }
  return Buffer.concat(out);
}

interface LzoModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _decompress(input: number, length: number, size: number): number;
  HEAPU8: Uint8Array;
}

let lzoModule: Promise<LzoModule> | undefined;

async function lzo1x(): Promise<Lzo1x> {
  lzoModule ??= (async () => {
    const dir = path.dirname(require.resolve('lzo-wasm/package.json'));
    // The package is built for browsers (it fetches its .wasm by URL): Node hands it the bytes.
    const mod = (await import(path.join(dir, 'lzo-wasm.js'))) as { default: (o: { wasmBinary: Buffer }) => Promise<LzoModule> };
    return mod.default({ wasmBinary: readFileSync(path.join(dir, 'lzo-wasm.wasm')) });
  })();
  const m = await lzoModule;
  return (block, size) => {
    const input = m._malloc(block.length);
    m.HEAPU8.set(block, input);
    try {
      const output = m._decompress(input, block.length, size);
      const result = Buffer.from(m.HEAPU8.subarray(output, output + size));
      m._free(output);
      return result;
    } finally {
      m._free(input);
    }
  };
}
