/**
 * The lint as a gate for `plan` and `deploy`: runs before anything connects, prints findings to
 * stderr (stdout is the command's data), emits `lint:finding` on the run's event bus so they land
 * in report.json, and throws an InputError (exit 2) when there are errors. One line per command:
 *
 *   await lintGate(rt.config, rt.ctx.events);   // before withWarehouse(...)
 */
import type { ResolvedConfig } from '../config/types';
import { InputError } from '../errors';
import type { RunEventBus } from '../events';
import { countBySeverity, sortFindings } from './format';
import { lintProject } from './index';
import type { LintFinding } from './types';
import type { MigrationSet } from '../migrations/discover';

export async function lintGate(
  config: ResolvedConfig,
  events?: Pick<RunEventBus, 'emit'>,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  migrations?: MigrationSet,
): Promise<LintFinding[]> {
  const findings = sortFindings(await lintProject(config, migrations));
  for (const f of findings) {
    log(`${f.file}:${f.line}: ${f.severity} ${f.rule} ${f.message}`);
    events?.emit('lint:finding', f);
  }
  const { errors, warnings } = countBySeverity(findings);
  if (errors > 0) {
    throw new InputError(
      `lint found ${errors} error${errors === 1 ? '' : 's'} (and ${warnings} warning${warnings === 1 ? '' : 's'}); nothing was sent to the warehouse`,
      {
        hint: 'fix them, or silence one on purpose with -- rsrun:lint-disable-next-statement RULE (see docs/redshift-rules.md)',
      },
    );
  }
  return findings;
}
