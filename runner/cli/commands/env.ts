/**
 * `rsrun env create|drop|list|gc`: branch environments (runner/branches/). The base is `--from`
 * (or `--env`), the branch `--name` (or `--env BASE:NAME`, or RSRUN_ENV_BRANCH).
 */
import type { EnvironmentConfig } from '../../config/types';
import { ConfigError } from '../../errors';
import type { CommandInput } from '../command-input';
import { envOptions } from '../options';
import { formatTable, printJson, printLine } from '../output';
import { withConfig } from '../runtime';

export async function run(input: CommandInput): Promise<number> {
  const { action, envFlag, olderThanMs, json } = envOptions(input);
  const branches = await import('../../branches/environments.js');
  return withConfig(
    { ...input, global: { ...input.global, ...(envFlag === undefined ? {} : { env: envFlag }) } },
    async ({ config, logger }) => {
      const base = branches.baseEnvironmentOf(config.env);
      if (action === 'create' || action === 'drop') {
        const branch = branchOf(config.env, action);
        if (action === 'create') {
          const r = await branches.createBranchEnvironment(config, base, branch);
          if (json) printJson({ name: branch, environment: `${base.name}:${branch}`, database: r.env.database, created: r.created });
          else
            printLine(
              `${r.created ? 'created' : 'exists'}: ${base.name}:${branch} (${describeTarget(r.env)}); use it with --env ${base.name}:${branch}`,
            );
        } else {
          const r = await branches.dropBranchEnvironment(config, base, branch);
          if (json) printJson({ name: branch, environment: `${base.name}:${branch}`, dropped: r.existed });
          else printLine(r.existed ? `dropped ${base.name}:${branch}` : `${base.name}:${branch} did not exist: nothing to drop`);
        }
        return 0;
      }
      if (action === 'gc') {
        const dropped = await branches.collectBranchEnvironments(config, base, olderThanMs ?? 0);
        for (const name of dropped) logger.info(`env gc: dropped ${base.name}:${name}`);
        if (json) printJson({ base: base.name, dropped });
        else printLine(dropped.length ? `dropped ${dropped.length}: ${dropped.join(', ')}` : 'nothing to drop');
        return 0;
      }
      const rows = await branches.listBranchEnvironments(config, base);
      if (json) {
        printJson(
          rows.map((r) => ({
            ...r,
            environment: `${base.name}:${r.name}`,
            createdAt: r.createdAt.toISOString(),
            lastUsed: r.lastUsed.toISOString(),
          })),
        );
      } else if (rows.length === 0) {
        printLine(`no branch environments on ${base.name}`);
      } else {
        const now = Date.now();
        printLine(
          formatTable(
            ['name', 'database', 'size', 'age', 'last used', 'branch', 'commit', 'owner'],
            rows.map((r) => [
              r.name,
              r.database,
              size(r.sizeBytes),
              age(now - r.createdAt.getTime()),
              `${age(now - r.lastUsed.getTime())} ago`,
              r.branch,
              r.commit?.slice(0, 12),
              r.owner,
            ]),
          ),
        );
      }
      return 0;
    },
  );
}

function branchOf(env: EnvironmentConfig, action: string): string {
  if (env.branch) return env.branch.branch;
  throw new ConfigError(`rsrun env ${action} needs the branch environment's name`, {
    hint: `pass --name NAME (with --from BASE), or --env BASE:NAME`,
  });
}

function describeTarget(env: EnvironmentConfig): string {
  return env.engine === 'embedded' ? `embedded: .rsrun/${env.name}` : `database ${env.database}`;
}

function size(bytes: number | null): string {
  if (bytes === null) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i] ?? ''}`;
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}
