/**
 * Stored procedures as Redshift runs them, through the built CLI on both local engines: a
 * `-- rsrun:no-transaction` migration may CALL a procedure that commits (Redshift refuses that only
 * inside a transaction block: stored-procedure-transaction-management), and a SQL test may assert
 * on the row a CALL returns for INOUT/OUT arguments (r_CALL_procedure).
 */
import { expect } from 'chai';
import { runCli } from '../support/cli';
import { cliPgEnv, cliProjectIni, dropCliDatabases } from '../support/cli-engines';
import { ENGINES } from '../support/engines';
import { TempProject } from '../support/project';

describe('stored procedures through the CLI', function () {
  this.timeout(120_000);
  const projects: TempProject[] = [];
  const databases: string[] = [];
  after(async () => {
    for (const p of projects) p.remove();
    await dropCliDatabases(databases);
  });

  for (const engine of ENGINES) {
    it(`[${engine}] a no-transaction migration calls a procedure that commits; a test asserts on CALL's INOUT row`, async function () {
      const p = new TempProject('rsrun-procs-');
      projects.push(p);
      p.write('rsrun.ini', await cliProjectIni(engine, this, databases));
      p.migration('V1__log.sql', 'create table log_t (msg varchar(10));\n');
      p.migration(
        'V2__commit_proc.sql',
        [
          '-- rsrun:no-transaction',
          'create or replace procedure p_commit() as $$',
          'begin',
          "  insert into log_t values ('kept');",
          '  commit;',
          "  insert into log_t values ('undone');",
          '  rollback;',
          'end;',
          '$$ language plpgsql;',
          'call p_commit();',
          'create or replace procedure p_inout(inout n int, out label varchar(20)) as $$',
          "begin n := n * 2; label := 'doubled'; end;",
          '$$ language plpgsql;',
          '',
        ].join('\n'),
      );
      p.write(
        'tests/procs.sql',
        [
          '-- rsrun:test commits',
          '-- rsrun:expect rows',
          '-- | msg |',
          '-- | kept |',
          'select msg from log_t;',
          '-- rsrun:test inout',
          '-- rsrun:expect rows',
          '-- | n | label |',
          '-- | 6 | doubled |',
          'call p_inout(3);',
          '',
        ].join('\n'),
      );
      const r = await runCli(['deploy', '--project-dir', p.dir], { cwd: p.dir, env: cliPgEnv() });
      expect(r.stdout + r.stderr).to.match(/tests: 2 passed, 0 failed/);
      expect(r.code, r.stderr).to.equal(0);
    });
  }
});
