import { expect } from 'chai';
import { branchEnvironment } from '../../runner/config/branch-target';
import { containerSettings } from '../../runner/container/container-settings';
import { defaultContainerName } from '../../runner/container/run-environment';
import { envConfigFor } from '../support/engines';

describe('container settings (no Docker needed)', () => {
  const hostEnv = {
    RSRUN_TEST_PASSWORD: 'test-pw-1234',
    RSRUN_PROD_PASSWORD: 'prod-pw-5678',
    RSRUN_PASSWORD: 'generic-pw-9999',
    AWS_SECRET_ACCESS_KEY: 'aws-secret-0000',
    RSRUN_TEST_HOST: '127.0.0.1',
    RSRUN_PROD_HOST: 'prod.example.com',
    RSRUN_S3_BUCKET: 'reports',
    UNRELATED: 'x',
  };

  it("gives a container its own environment's secrets and shared ones, never another environment's", () => {
    const env = envConfigFor('test', { host: '127.0.0.1', port: 5432, user: 'deployer', password: 'test-pw-1234', database: 'dev' });
    const s = containerSettings({
      config: { env, build: { commit: undefined, number: undefined, branch: undefined, url: undefined } },
      hostEnv,
    });
    expect(Object.keys(s.secrets).sort()).to.deep.equal(['AWS_SECRET_ACCESS_KEY', 'RSRUN_PASSWORD', 'RSRUN_TEST_PASSWORD']);
    expect(JSON.stringify(s.env)).not.to.contain('prod-pw-5678').and.not.to.contain('test-pw-1234');
    expect(s.env.RSRUN_TEST_HOST).to.equal('host.docker.internal');
    expect(s.env.RSRUN_PROD_HOST).to.equal(undefined);
    expect(s.env.RSRUN_S3_BUCKET).to.equal('reports');
    expect(s.env.UNRELATED).to.equal(undefined);
  });

  it('runs a branch environment as its base plus RSRUN_ENV_BRANCH, so the runner inside derives the same database', () => {
    const base = envConfigFor('test', { host: '127.0.0.1', port: 5432, user: 'deployer', password: 'test-pw-1234', database: 'dev' });
    const env = branchEnvironment(base, 'feature/x');
    const s = containerSettings({
      config: { env, build: { commit: undefined, number: undefined, branch: undefined, url: undefined } },
      hostEnv,
    });
    expect(s.env).to.include({
      RSRUN_ENV: 'test',
      RSRUN_ENV_BRANCH: 'feature/x',
      RSRUN_TEST_DATABASE: 'dev',
      RSRUN_TEST_HOST: 'host.docker.internal',
    });
    expect(Object.keys(s.secrets)).to.include('RSRUN_TEST_PASSWORD');
  });

  it('names containers per environment and Jenkins job, so builds of two branches never remove each other', () => {
    expect(defaultContainerName('test', {})).to.equal('rsrun-test');
    expect(defaultContainerName('test', { JOB_NAME: 'rsrun/main' })).to.equal('rsrun-test-rsrun-main');
    expect(defaultContainerName('prod', { JOB_NAME: 'rsrun/feature%2Fnew lint' })).to.equal('rsrun-prod-rsrun-feature-2Fnew-lint');
    expect(defaultContainerName('test', { JOB_NAME: 'rsrun/main' })).not.to.equal(
      defaultContainerName('test', { JOB_NAME: 'rsrun/feature' }),
    );
  });
});
