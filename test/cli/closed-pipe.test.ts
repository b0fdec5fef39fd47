/**
 * `rsrun --help | head -1`: the reader closes the pipe after one line. The CLI must not die on an
 * unhandled EPIPE (exit 1 and a stack trace, as before); it finishes and exits with its own code.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { BIN } from '../support/cli';

describe('the CLI when its reader closes the pipe early', () => {
  it('rsrun --help | head -1 exits 0 without an EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Closed before the CLI writes anything, so every write meets the closed pipe (head closes it
    // after its line; closing it first makes the case independent of timing).
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).to.not.match(/EPIPE|Unhandled/);
    expect(code).to.equal(0);
  });
});
