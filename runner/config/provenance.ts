/**
 * Which commit a run deployed: read from git when the project is in a checkout, so reports and the
 * S3 index carry it on a laptop too; CI variables win (Jenkins checks out a detached HEAD, and
 * knows the branch it built).
 */
import { execFile } from 'node:child_process';
import type { BuildInfo } from './types';

export interface GitFacts {
  commit?: string;
  branch?: string;
  author?: string;
}

/** One `git log` for commit, author and branch; nothing when git or the checkout is absent. */
export function readGit(dir: string, timeoutMs = 5000): Promise<GitFacts> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, 'log', '-1', '--no-show-signature', '--format=%H%x00%an <%ae>%x00%D'],
      { timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
      (err, stdout) => {
        if (err) {
          resolve({});
          return;
        }
        const [commit, author, refs] = stdout.trim().split('\0');
        // %D is "HEAD -> main, origin/main" on a branch, "HEAD, origin/main" when detached.
        const branch = /(?:^|, )HEAD -> ([^,]+)/.exec(refs ?? '')?.[1];
        resolve({
          ...(commit ? { commit } : {}),
          ...(author && author !== ' <>' ? { author } : {}),
          ...(branch ? { branch } : {}),
        });
      },
    );
  });
}

const first = (env: NodeJS.ProcessEnv, names: string[]): string | undefined => {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
};

/** CI variables over git facts; `git` is only consulted when given. */
export function buildInfo(env: NodeJS.ProcessEnv, git: GitFacts = {}): BuildInfo {
  return {
    commit: first(env, ['RSRUN_GIT_COMMIT', 'GIT_COMMIT']) ?? git.commit,
    number: first(env, ['RSRUN_BUILD_NUMBER', 'BUILD_NUMBER']),
    branch: first(env, ['RSRUN_GIT_BRANCH', 'BRANCH_NAME', 'GIT_BRANCH']) ?? git.branch,
    author: first(env, ['RSRUN_GIT_AUTHOR', 'CHANGE_AUTHOR']) ?? git.author,
    url: first(env, ['BUILD_URL']),
  };
}
