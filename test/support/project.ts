/** Throwaway project directories for tests: write files, get paths, clean up. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class TempProject {
  readonly dir: string;

  constructor(prefix = 'rsrun-test-') {
    this.dir = mkdtempSync(path.join(tmpdir(), prefix));
    mkdirSync(path.join(this.dir, 'migrations'), { recursive: true });
  }

  get migrationsDir(): string {
    return path.join(this.dir, 'migrations');
  }

  /** Writes `rel` (relative to the project) with `content` (string or raw bytes). */
  write(rel: string, content: string | Buffer): string {
    const file = path.join(this.dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  }

  migration(name: string, sql: string | Buffer): string {
    return this.write(path.join('migrations', name), sql);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
