// ESLint flat config: typescript-eslint's strict, type-checked preset over the runner's source.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**'] },
  {
    files: ['runner/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Counts, durations and ports are interpolated into messages everywhere and print as
      // themselves. Nullable values are allowed too: under noUncheckedIndexedAccess a regex group or
      // an array element the code has already checked is still typed `string | undefined`.
      // Objects, `any` and everything else stay errors (they print "[object Object]").
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowNullish: true, allowBoolean: true, allowAny: false, allowRegExp: false, allowNever: false },
      ],
      // `(x) => resolve(x)` callbacks return void on purpose; braces would add noise, not safety.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Ports (SchemaHistory, Warehouse, Session) return promises; their in-memory and trivial
      // implementations stay `async` so that a throw is a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
      // `query<R>(sql)`: the row type is the caller's statement of what its SQL returns, as in
      // pg's own `query<R>`; the rule would call that a disguised cast and offers nothing better.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      // Unused parameters of an interface implementation are named `_x` on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Callbacks return `false` to stop or nothing to go on (`boolean | void`), and rewrites return a
      // marker or nothing; `undefined` in those unions would make every callback spell it out.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // Database cells and option values arrive as `unknown` and are printed with String() on purpose.
      '@typescript-eslint/no-base-to-string': ['error', { checkUnknown: false }],
      // Only the entry point ends the process; everything else throws an RsrunError.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Throw an RsrunError; only runner/cli/main.ts calls process.exit.' },
      ],
    },
  },
  {
    files: ['runner/cli/main.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
