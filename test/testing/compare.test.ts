/** Canonical values: what a test expects equals what the warehouse returns, however each is written. */
import { expect } from 'chai';
import { canonical, cellEquals, cellText } from '../../runner/testing/compare';

describe('comparing expected and returned values', () => {
  it('a timestamp at midnight equals its date, written with or without seconds and fraction (issue 12 defect 7)', () => {
    // `-- rsrun:expect scalar 2009-08-28 00:00:00` against DATEADD's timestamp, which pg returns as a Date.
    const returned = cellText(new Date(2009, 7, 28));
    expect(cellEquals('2009-08-28 00:00:00', returned)).to.equal(true);
    expect(cellEquals('2009-08-28T00:00:00.000', '2009-08-28')).to.equal(true);
    expect(canonical('2009-08-28 00:00:00')).to.equal('2009-08-28');
  });

  it('keeps the whole time when it is not midnight, dropping only trailing zeros of the fraction', () => {
    expect(canonical('2008-02-28 00:30:00')).to.equal('2008-02-28 00:30:00');
    expect(canonical('2008-02-28 12:00:00.500')).to.equal('2008-02-28 12:00:00.5');
    expect(cellEquals('2008-02-28 12:30:00', cellText(new Date(2008, 1, 28, 12, 30)))).to.equal(true);
    expect(cellEquals('2008-02-28 12:30:00', '2008-02-28 12:30:01')).to.equal(false);
  });
});
