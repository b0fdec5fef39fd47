/**
 * The code rules run by `npm test` (`npm run lint`: ESLint with typescript-eslint's strict
 * type-checked preset, and dependency-cruiser with the layering of docs/ARCHITECTURE.md) must
 * fail on a violation, not only pass on today's code. Each test plants violations in a small
 * project of its own that uses the repository's real config files, and runs the same binaries.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** A throwaway project: the repository's config files, its node_modules, and the given sources. */
function plantProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rsrun-code-rules-'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const config of ['eslint.config.mjs', '.dependency-cruiser.cjs']) cpSync(path.join(ROOT, config), path.join(dir, config));
  const tsconfig = {
    compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, types: ['node'], skipLibCheck: true },
    include: ['runner/**/*.ts'],
  };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function run(dir: string, bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(BIN, bin), args, { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface EslintFile {
  filePath: string;
  messages: { ruleId: string | null; line: number }[];
}

/** `file -> rule ids` of what ESLint reported. */
function eslintFindings(stdout: string, dir: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const f of JSON.parse(stdout) as EslintFile[]) {
    const ids = f.messages.map((m) => m.ruleId ?? '(parse)');
    if (ids.length > 0) found[path.relative(dir, f.filePath)] = ids;
  }
  return found;
}

describe('code rules (npm run lint)', function () {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('ESLint fails on a process.exit outside cli/main.ts and on a floating promise, and passes clean code', () => {
    const dir = plantProject({
      'runner/cli/main.ts': 'export function main(code: number): void {\n  process.exit(code);\n}\n',
      'runner/cli/commands/migrate.ts': 'export function run(): void {\n  process.exit(70);\n}\n',
      'runner/engine/apply.ts':
        'async function send(): Promise<void> {\n  await Promise.resolve();\n}\nexport function apply(): void {\n  send();\n}\n',
      'runner/engine/clean.ts': 'export function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n',
    });
    dirs.push(dir);
    const r = run(dir, 'eslint', ['-f', 'json', 'runner']);
    expect(r.status, r.stderr).to.equal(1);
    expect(eslintFindings(r.stdout, dir)).to.deep.equal({
      'runner/cli/commands/migrate.ts': ['no-restricted-properties'],
      'runner/engine/apply.ts': ['@typescript-eslint/no-floating-promises'],
    });
  });

  it('dependency-cruiser fails on a layering breach, a command importing a command, a runtime cycle and a misplaced vendor import', () => {
    const dir = plantProject({
      // dialects/ may not import the engine.
      'runner/dialects/dialect.ts': "import { plan } from '../engine/plan';\nexport const d = plan;\n",
      'runner/engine/plan.ts': 'export const plan = 1;\n',
      // A command calls runner/operations, never another command.
      'runner/cli/commands/deploy.ts': "import { migrate } from './migrate';\nexport const deploy = migrate;\n",
      'runner/cli/commands/migrate.ts': 'export const migrate = 1;\n',
      // A runtime cycle; the type-only cycle next to it is allowed.
      'runner/ledger/a.ts': "import { b } from './b';\nexport const a = (): number => b;\n",
      'runner/ledger/b.ts': "import { a } from './a';\nexport const b = 2;\nexport const c = a;\n",
      'runner/run/x.ts': "import type { Y } from './y';\nexport interface X { y?: Y }\n",
      'runner/run/y.ts': "import type { X } from './x';\nexport interface Y { x?: X }\n",
      // The AWS S3 SDK belongs to shipping/ (and the emulation), not to reports/.
      'runner/reports/upload.ts': "export const load = () => import('@aws-sdk/client-s3');\n",
      'runner/shipping/upload.ts': "export const load = () => import('@aws-sdk/client-s3');\n",
    });
    dirs.push(dir);
    // The `err` reporter is what `npm run lint` uses; its exit code is the number of errors.
    const r = run(dir, 'depcruise', ['runner', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']);
    expect(r.status, r.stdout + r.stderr).to.equal(4);
    const seen = [...r.stdout.matchAll(/^\s*error ([\w-]+): (\S+)/gmu)].map((m) => `${m[1]}: ${m[2]}`).sort();
    expect(seen).to.deep.equal([
      'layer-dialects: runner/dialects/dialect.ts',
      'no-circular: runner/ledger/a.ts',
      'no-command-imports-command: runner/cli/commands/deploy.ts',
      'vendor-s3-cloudwatch: runner/reports/upload.ts',
    ]);
  });
});
