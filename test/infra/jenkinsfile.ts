/**
 * Reads a Jenkinsfile (declarative or scripted) into the ordered stages and steps the pipeline
 * would execute, so tests follow the file instead of a copy of it. Deliberately strict: a step it
 * does not know is an error, which keeps the Jenkinsfiles to steps the end-to-end harness can run.
 */

/** A Groovy call with its raw argument text and optional closure body: `name(args) { body }`. */
export interface Call {
  name: string;
  args: string;
  body: Call[] | undefined;
  /** For `try { } finally { }` and `if (...) { }`: the extra closures in order. */
  extra: Call[][];
}

export type Step =
  | { kind: 'sh'; script: string }
  | { kind: 'checkout' }
  | { kind: 'junit'; pattern: string; allowEmpty: boolean }
  | { kind: 'archive'; pattern: string }
  | { kind: 'input'; message: string }
  | { kind: 'echo'; text: string }
  | { kind: 'cleanWs' }
  | { kind: 'credentials'; id: string; variables: string[]; steps: Step[] };

export interface Stage {
  name: string;
  /** Runs only when BRANCH_NAME equals this. */
  branch: string | undefined;
  /** Runs only when BRANCH_NAME is not this (`when { not { branch 'main' } }`). */
  notBranch?: string;
  steps: Step[];
  /** `post { always }` / `finally`: runs whether the steps passed or not. */
  always: Step[];
}

export interface Pipeline {
  stages: Stage[];
  always: Step[];
  environment: Record<string, string>;
}

function skipSpace(s: string, i: number): number {
  for (;;) {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++;
    if (s.startsWith('//', i)) i = s.indexOf('\n', i) === -1 ? s.length : s.indexOf('\n', i);
    else if (s.startsWith('/*', i)) i = s.indexOf('*/', i) + 2;
    else return i;
  }
}

/** Index just past the string literal starting at i. */
function skipString(s: string, i: number): number {
  const triple = s.startsWith("'''", i) || s.startsWith('"""', i);
  const quote = triple ? s.slice(i, i + 3) : (s[i] ?? '');
  let j = i + quote.length;
  while (j < s.length && !s.startsWith(quote, j)) j += s[j] === '\\' ? 2 : 1;
  if (j >= s.length) throw new Error(`unterminated string at offset ${i}`);
  return j + quote.length;
}

/** Index just past the bracket group starting at i (`(`, `[` or `{`), strings respected. */
function skipGroup(s: string, i: number): number {
  const close: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let j = i;
  while (j < s.length) {
    const c = s[j] ?? '';
    if (c === "'" || c === '"') {
      j = skipString(s, j);
      continue;
    }
    if (s.startsWith('//', j) || s.startsWith('/*', j)) {
      j = skipSpace(s, j);
      continue;
    }
    if (close[c]) stack.push(close[c] ?? '');
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return j + 1;
    }
    j++;
  }
  throw new Error(`unbalanced ${s[i]} at offset ${i}`);
}

/** Parses statements until the closing `}` at depth 0 (or the end). Returns calls and the index after `}`. */
function parseCalls(s: string, i: number): [Call[], number] {
  const calls: Call[] = [];
  for (;;) {
    i = skipSpace(s, i);
    if (i >= s.length) return [calls, i];
    if (s[i] === '}') return [calls, i + 1];
    const ident = /^[A-Za-z_][\w.]*/.exec(s.slice(i))?.[0];
    if (!ident) throw new Error(`unexpected ${JSON.stringify(s.slice(i, i + 20))} at offset ${i}`);
    i += ident.length;
    let args = '';
    let j = skipSpace(s, i);
    if (s[j] === '(') {
      const end = skipGroup(s, j);
      args = s.slice(j + 1, end - 1).trim();
      i = end;
    } else if (s[j] !== '{') {
      // Command syntax: `sh 'x'`, `branch 'main'`, `NAME = 'v'`, `input message: "...", ok: '...'`.
      let k = j;
      while (k < s.length && s[k] !== '\n' && s[k] !== '}') {
        const c = s[k] ?? '';
        if (c === "'" || c === '"') k = skipString(s, k);
        else if (c === '(' || c === '[' || c === '{') k = skipGroup(s, k);
        else k++;
        // A trailing comma continues the argument list on the next line.
        if (s[k] === '\n' && /,\s*$/.test(s.slice(j, k))) k++;
      }
      args = s.slice(j, k).trim();
      i = k;
    }
    let body: Call[] | undefined;
    const extra: Call[][] = [];
    j = skipSpace(s, i);
    if (s[j] === '{') {
      [body, i] = parseCalls(s, j + 1);
      // `try { } finally { }`, `if (...) { } else { }`.
      for (;;) {
        const k = skipSpace(s, i);
        const more = /^(finally|catch\s*\([^)]*\)|else)\s*\{/.exec(s.slice(k));
        if (!more) break;
        let block: Call[];
        [block, i] = parseCalls(s, k + more[0].length);
        extra.push(block);
      }
    }
    calls.push({ name: ident, args, body, extra });
  }
}

/** The value of a Groovy string literal (no interpolation). */
function literal(text: string): string {
  const t = text.trim();
  const q = t.startsWith("'''") || t.startsWith('"""') ? 3 : 1;
  return t.slice(q, t.length - q);
}

function namedArg(args: string, name: string): string | undefined {
  const m = new RegExp(`${name}:\\s*('(?:[^'\\\\]|\\\\.)*'|"(?:[^"\\\\]|\\\\.)*"|true|false)`).exec(args);
  return m?.[1];
}

function toSteps(calls: Call[], file: string): Step[] {
  const steps: Step[] = [];
  for (const c of calls) {
    switch (c.name) {
      case 'sh':
        steps.push({ kind: 'sh', script: literal(c.args) });
        break;
      case 'checkout':
        steps.push({ kind: 'checkout' });
        break;
      case 'junit':
        steps.push({
          kind: 'junit',
          pattern: literal(namedArg(c.args, 'testResults') ?? c.args),
          allowEmpty: namedArg(c.args, 'allowEmptyResults') === 'true',
        });
        break;
      case 'archiveArtifacts':
        steps.push({ kind: 'archive', pattern: literal(namedArg(c.args, 'artifacts') ?? c.args) });
        break;
      case 'input':
        steps.push({ kind: 'input', message: literal(namedArg(c.args, 'message') ?? c.args) });
        break;
      case 'echo':
        steps.push({ kind: 'echo', text: literal(c.args) });
        break;
      case 'cleanWs':
        steps.push({ kind: 'cleanWs' });
        break;
      case 'timeout':
      case 'steps':
        steps.push(...toSteps(c.body ?? [], file));
        break;
      case 'withCredentials': {
        const id = /credentialsId:\s*'([^']+)'/.exec(c.args)?.[1];
        if (!id) throw new Error(`${file}: withCredentials without a credentialsId`);
        const variables = [...c.args.matchAll(/\w+Variable:\s*'([^']+)'/g)].map((m) => m[1] ?? '');
        steps.push({ kind: 'credentials', id, variables, steps: toSteps(c.body ?? [], file) });
        break;
      }
      default:
        throw new Error(
          `${file}: step "${c.name}" is not one the pipeline harness can run; keep stages to sh/junit/archiveArtifacts/input/echo/withCredentials/timeout/cleanWs`,
        );
    }
  }
  return steps;
}

const find = (calls: Call[] | undefined, name: string): Call | undefined => calls?.find((c) => c.name === name);

function declarative(pipeline: Call, file: string): Pipeline {
  const environment: Record<string, string> = {};
  for (const e of find(pipeline.body, 'environment')?.body ?? []) environment[e.name] = literal(e.args.replace(/^=\s*/, ''));
  const stages = (find(pipeline.body, 'stages')?.body ?? []).map((st): Stage => {
    if (st.name !== 'stage') throw new Error(`${file}: unexpected ${st.name} in stages`);
    const when = find(st.body, 'when')?.body ?? [];
    const negated = when.length === 1 && when[0]?.name === 'not' ? (when[0].body ?? []) : undefined;
    const conditions = negated ?? when;
    const unknown = conditions.filter((w) => w.name !== 'branch');
    if (unknown.length > 0) throw new Error(`${file}: when { ${unknown[0]?.name} } is not supported by the harness`);
    const branch = conditions[0] ? literal(conditions[0].args) : undefined;
    return {
      name: literal(st.args),
      branch: negated ? undefined : branch,
      ...(negated && branch !== undefined ? { notBranch: branch } : {}),
      steps: toSteps(find(st.body, 'steps')?.body ?? [], file),
      always: toSteps(find(find(st.body, 'post')?.body, 'always')?.body ?? [], file),
    };
  });
  const always = toSteps(find(find(pipeline.body, 'post')?.body, 'always')?.body ?? [], file);
  return { stages, always, environment };
}

function scripted(top: Call[], file: string): Pipeline {
  const stages: Stage[] = [];
  let always: Step[] = [];
  const environment: Record<string, string> = {};
  const walk = (calls: Call[], branch: string | undefined, notBranch?: string): void => {
    for (const c of calls) {
      if (c.name === 'stage') {
        const body = c.body ?? [];
        const tryBlock = body.length === 1 && body[0]?.name === 'try' ? body[0] : undefined;
        stages.push({
          name: literal(c.args),
          branch,
          ...(notBranch !== undefined ? { notBranch } : {}),
          steps: toSteps(tryBlock ? (tryBlock.body ?? []) : body, file),
          always: tryBlock ? toSteps(tryBlock.extra[0] ?? [], file) : [],
        });
      } else if (c.name === 'if') {
        const m = /^env\.BRANCH_NAME (==|!=) '([^']+)'$/.exec(c.args);
        if (!m) throw new Error(`${file}: only if (env.BRANCH_NAME == '...') or != is supported`);
        if (m[1] === '==') walk(c.body ?? [], m[2]);
        else walk(c.body ?? [], branch, m[2]);
      } else if (c.name === 'try') {
        walk(c.body ?? [], branch);
        always = toSteps(c.extra[0] ?? [], file);
      } else if (c.name === 'withEnv') {
        for (const m of c.args.matchAll(/'([A-Za-z_]\w*)=([^']*)'/g)) environment[m[1] ?? ''] = m[2] ?? '';
        walk(c.body ?? [], branch);
      } else if (['timestamps', 'timeout', 'node'].includes(c.name)) {
        walk(c.body ?? [], branch);
      } else if (c.name !== 'properties') {
        throw new Error(`${file}: unexpected top-level ${c.name}`);
      }
    }
  };
  walk(top, undefined);
  return { stages, always, environment };
}

/** Parses a declarative (`pipeline { }`) or scripted Jenkinsfile. */
export function parseJenkinsfile(text: string, file = 'Jenkinsfile'): Pipeline {
  const [calls] = parseCalls(text, 0);
  const pipeline = find(calls, 'pipeline');
  return pipeline ? declarative(pipeline, file) : scripted(calls, file);
}
