/**
 * The import rules of docs/ARCHITECTURE.md, enforced (`npm run lint:deps`). `MAY_IMPORT` is the
 * table's "may import" column: a folder may import itself and the folders listed, nothing else in
 * runner/; `type:x` allows only `import type` from x (no runtime edge). Change the table and the
 * docs together.
 */
const MAY_IMPORT = {
  errors: [],
  events: [],
  retry: [],
  version: [],
  config: ['errors', 'warehouse/aws'],
  dialects: ['errors', 'type:warehouse'],
  'dialects/redshift/emulation': ['config', 'dialects', 'errors', 'migrations', 'warehouse', 'warehouse/aws'],
  'warehouse/aws': ['dialects', 'errors', 'type:config', 'type:warehouse'],
  warehouse: ['config', 'dialects', 'errors', 'local', 'warehouse/aws'],
  local: ['config', 'errors', 'run', 'version', 'warehouse'],
  migrations: ['config', 'dialects', 'errors', 'events'],
  ledger: ['dialects', 'errors', 'events', 'warehouse'],
  engine: ['config', 'dialects', 'errors', 'events', 'ledger', 'logging', 'migrations', 'retry', 'warehouse'],
  run: ['config', 'errors', 'events', 'ledger', 'logging', 'migrations'],
  testing: ['config', 'dialects', 'errors', 'events', 'logging', 'migrations', 'retry', 'run', 'warehouse'],
  'reports/site': ['config', 'errors', 'events', 'type:ledger', 'migrations', 'reports', 'run', 'version'],
  reports: ['config', 'errors', 'events', 'logging', 'migrations', 'reports/site', 'run', 'version'],
  logging: ['config', 'errors', 'warehouse/aws'],
  shipping: ['config', 'errors', 'events', 'type:ledger', 'logging', 'reports', 'reports/site', 'retry', 'run', 'warehouse/aws'],
  lint: ['config', 'dialects', 'errors', 'events', 'migrations', 'reports', 'run', 'version'],
  container: ['config', 'errors', 'version'],
  init: ['config', 'errors', 'lint'],
  drift: ['dialects', 'dialects/redshift/emulation', 'errors', 'migrations', 'reports', 'type:warehouse'],
  branches: ['config', 'dialects', 'errors', 'local', 'logging', 'migrations', 'retry', 'testing', 'warehouse'],
};

/**
 * Single files a layer may import beyond its table row. pg-warehouse words server errors as Redshift
 * does when emulating it; the translator is a leaf (it imports nothing), so no cycle follows.
 */
const FILE_EXCEPTIONS = {
  warehouse: ['^runner/dialects/redshift/emulation/redshift-errors\\.ts$'],
};

/** Sub-folders listed in MAY_IMPORT are layers of their own, not part of their parent. */
const NESTED = Object.keys(MAY_IMPORT).filter((f) => f.includes('/'));

/** A path pattern for a layer: a folder (minus its nested layers) or a top-level file. */
function layer(name) {
  const nested = NESTED.filter((n) => n !== name && n.startsWith(`${name}/`));
  const exclude = nested.length > 0 ? `(?!${nested.map((n) => n.slice(name.length + 1)).join('|')}/)` : '';
  return `^runner/${name}(\\.ts$|/${exclude})`;
}

const plain = (allowed) => allowed.filter((a) => !a.startsWith('type:'));
const typeOnly = (allowed) => allowed.filter((a) => a.startsWith('type:')).map((a) => a.slice(5));

const layerRules = Object.entries(MAY_IMPORT).flatMap(([name, allowed]) => {
  const id = name.replace(/\//g, '-');
  const rules = [
    {
      name: `layer-${id}`,
      comment: `runner/${name} may import only: ${allowed.join(', ') || 'nothing in runner/'} (docs/ARCHITECTURE.md)`,
      severity: 'error',
      from: { path: layer(name) },
      to: {
        path: '^runner/',
        pathNot: [layer(name), ...plain(allowed).map(layer), ...typeOnly(allowed).map(layer), ...(FILE_EXCEPTIONS[name] ?? [])],
      },
    },
  ];
  if (typeOnly(allowed).length > 0)
    rules.push({
      name: `layer-${id}-types-only`,
      comment: `runner/${name} may import only types from: ${typeOnly(allowed).join(', ')}`,
      severity: 'error',
      from: { path: layer(name) },
      to: { path: typeOnly(allowed).map(layer), dependencyTypesNot: ['type-only'] },
    });
  return rules;
});

/** Heavy or vendor modules and the only folders that may load them. */
const VENDORS = [
  {
    name: 's3-cloudwatch',
    module: '@aws-sdk/client-(s3|cloudwatch)|@aws-sdk/s3-request-presigner',
    folders: ['shipping', 'dialects/redshift/emulation'],
  },
  { name: 'redshift-sdk', module: '@aws-sdk/client-(redshift|secrets-manager)', folders: ['warehouse/aws'] },
  { name: 'dockerode', module: 'dockerode', folders: ['container'] },
  { name: 'pglite', module: '@electric-sql/pglite', folders: ['warehouse', 'local'] },
  { name: 'pg', module: 'pg|pg-copy-streams|pg-cursor', folders: ['warehouse'] },
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Runtime import cycles make the load order fragile (a cycle of `import type` has no runtime edge).',
      severity: 'error',
      from: { path: '^runner/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-command-imports-command',
      comment: 'A CLI command calls runner/operations; it never imports another command.',
      severity: 'error',
      from: { path: '^runner/cli/commands/([^/]+)\\.ts$' },
      to: { path: '^runner/cli/commands/', pathNot: '^runner/cli/commands/$1\\.ts$' },
    },
    {
      name: 'cli-is-the-top',
      comment: 'Nothing below the CLI imports it.',
      severity: 'error',
      from: { path: '^runner/', pathNot: '^runner/cli/' },
      to: { path: '^runner/cli/' },
    },
    {
      name: 'operations-only-from-cli',
      comment: 'runner/operations is what a command does; only the CLI calls it.',
      severity: 'error',
      from: { path: '^runner/', pathNot: '^runner/(cli|operations)/' },
      to: { path: '^runner/operations/' },
    },
    ...layerRules,
    ...VENDORS.map(({ name, module, folders }) => ({
      name: `vendor-${name}`,
      comment: `${module} is loaded only in ${folders.join(', ')}`,
      severity: 'error',
      from: { path: '^runner/', pathNot: folders.map(layer) },
      to: { path: `(^|/)node_modules/(${module})(/|$)` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^runner/|(^|/)node_modules/',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
