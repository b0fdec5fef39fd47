/** The deploy scenario's choice of the run to show when the fast tools run several rounds. */
import { expect } from 'chai';
import { medianRun, type ToolRun } from '../../bench/scenarios/deploy';

const run = (wallMs: number, problems: string[] = []): ToolRun => ({
  tool: 'rsrun',
  wallMs,
  problems,
  link: {
    connections: 1,
    queries: 22,
    simpleQueries: 16,
    syncs: 6,
    turns: 26,
    bytesToServer: 0,
    bytesToClient: 0,
    firstStatementAt: undefined,
    messages: {},
  },
});

describe('bench: deploy medianRun', () => {
  it('shows the median run of three, whatever the order', () => {
    expect(medianRun([run(3000), run(1000), run(2000)]).wallMs).to.equal(2000);
    expect(medianRun([run(1500)]).wallMs).to.equal(1500);
  });

  it('shows a run that went wrong instead of a faster good one', () => {
    const picked = medianRun([run(1000), run(1200, ['3 history rows, expected 300']), run(1100)]);
    expect(picked.problems).to.deep.equal(['3 history rows, expected 300']);
  });
});
