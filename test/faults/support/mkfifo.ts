import { execFileSync } from 'node:child_process';

/** A named pipe (coreutils mkfifo): Node has no API for it. */
export function mkfifoSync(file: string): void {
  execFileSync('mkfifo', [file]);
}
