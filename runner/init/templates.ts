/**
 * What `rsrun init` writes for a new project: everything `rsrun deploy` needs to work on the
 * embedded warehouse with no edit, in Redshift SQL, and the cluster environments as comments to
 * fill in (secrets as `${VAR}`, never values).
 */

/** Names written to `.gitignore`: run directories and local state never belong in git. */
export const GITIGNORE_ENTRIES = ['reports/', '.rsrun/'];

export interface IniParts {
  name: string;
  /** `[project]` keys besides `name`, in order. */
  project: [string, string][];
  /** Keys of `[env.local]` besides `engine = embedded`. */
  local?: [string, string, string?][];
  /** Extra sections written active, after `[env.local]` (e.g. an adopted Flyway target). */
  sections?: string[];
  /** Extra comment lines at the top. */
  notes?: string[];
}

const CLUSTER_ENVIRONMENTS = `; Amazon Redshift environments: uncomment and fill in. Secrets come from the environment
; (\${RSRUN_TEST_PASSWORD}, or auth = iam / auth = secret), never from this file.
; [env.test]
; engine = redshift
; host = \${RSRUN_TEST_HOST}
; database = dev
; user = deployer
; password = \${RSRUN_TEST_PASSWORD}
; query_group = rsrun-test
;
; [env.prod]
; engine = redshift
; host = \${RSRUN_PROD_HOST}
; database = dev
; user = deployer
; password = \${RSRUN_PROD_PASSWORD}
; query_group = rsrun-prod
;
; A PostgreSQL server as a stand-in for Redshift (e.g. in CI); Redshift SQL is emulated on it:
; [env.ci]
; engine = postgres
; host = 127.0.0.1
; user = rsrun
; password = \${RSRUN_CI_PASSWORD}
;
; Reports to S3 and metrics to CloudWatch (AWS credentials from the SDK's default chain):
; [s3]
; bucket = my-rsrun-reports
; [cloudwatch]
; namespace = rsrun
`;

const pad = (key: string) => key.padEnd(16);

export function rsrunIni(parts: IniParts): string {
  const lines = [
    '; rsrun project settings. Every key: README "rsrun.ini keys". Check them with `rsrun plan`.',
    '; `rsrun deploy` without --env uses [env.local]: the embedded warehouse under .rsrun/ (nothing to install).',
    '; CI: run `rsrun deploy --env test` in a Jenkins stage (see the Jenkinsfile of the rsrun repository).',
    ...(parts.notes ?? []).map((n) => `; ${n}`),
    '',
    '[project]',
    `${pad('name')} = ${parts.name}`,
    ...parts.project.map(([k, v]) => `${pad(k)} = ${v}`),
    '',
    '[env.local]',
    `${pad('engine')} = embedded`,
    ...(parts.local ?? []).map(([k, v, comment]) => `${pad(k)} = ${v}${comment ? `   ; ${comment}` : ''}`),
    '',
    ...(parts.sections ?? []).flatMap((s) => [s.trimEnd(), '']),
    CLUSTER_ENVIRONMENTS,
  ];
  return lines.join('\n');
}

export const EXAMPLE_MIGRATION = `-- A migration: Redshift SQL, applied once, in version order (V1, V1.1, V2, ...). Never edit it
-- once applied: add V2__... instead. Locally it runs on the embedded warehouse, rewritten for
-- PostgreSQL; on a cluster, as written.
CREATE SCHEMA IF NOT EXISTS app;

CREATE TABLE app.events (
  event_id    BIGINT IDENTITY(1, 1),
  event_type  VARCHAR(64) NOT NULL ENCODE zstd,
  occurred_at TIMESTAMP NOT NULL DEFAULT GETDATE(),
  payload     VARCHAR(MAX)
)
DISTSTYLE AUTO
SORTKEY (occurred_at);

INSERT INTO app.events (event_type, payload) VALUES ('signup', '{"plan": "free"}'), ('login', NULL);
`;

export const EXAMPLE_TEST = `-- SQL tests run after every deploy (or alone: rsrun test), each in a transaction that is rolled
-- back. A query passes when it returns no rows, unless an expect directive says otherwise.

-- rsrun:test every event has a type
SELECT event_id FROM app.events WHERE event_type IS NULL OR event_type = '';

-- rsrun:test the example events are there
-- rsrun:expect count 2
SELECT event_id FROM app.events;
`;
