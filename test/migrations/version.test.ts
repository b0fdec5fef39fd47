import { expect } from 'chai';
import { compareVersions, normalizeVersion, parseVersion, versionIdentity } from '../../runner/migrations/version';

describe('migration versions', () => {
  it('compares parts of any size exactly (no floating-point rounding)', () => {
    expect(compareVersions('1000000000000000000000', '1')).to.equal(1);
    expect(compareVersions('9007199254740993', '9007199254740992')).to.equal(1);
    expect(versionIdentity('9007199254740993')).not.to.equal(versionIdentity('9007199254740992'));
    expect(compareVersions('1.99999999999999999999', '1.100000000000000000000')).to.equal(-1);
  });

  it('records a version as written, only leading zeros and separators made canonical', () => {
    expect(normalizeVersion('99999999999999999999')).to.equal('99999999999999999999');
    expect(normalizeVersion('3_1')).to.equal('3.1');
    expect(normalizeVersion('007.0_10')).to.equal('7.0.10');
    expect(parseVersion('1.x')).to.equal(undefined);
  });

  it('orders Flyway-style: 1.0 < 1.0.1 < 1.0.2 < 1.1 < 2, and 1 = 1.0', () => {
    const sorted = ['2', '1.1', '1.0.2', '1.0.1', '1.0'].sort(compareVersions);
    expect(sorted).to.deep.equal(['1.0', '1.0.1', '1.0.2', '1.1', '2']);
    expect(compareVersions('1', '1.0.0')).to.equal(0);
    expect(versionIdentity('1.0.0')).to.equal(versionIdentity('1'));
    expect(versionIdentity('0.0')).to.equal('0');
  });

  it('keeps INI section names that are not numbers apart from numeric versions', () => {
    expect(versionIdentity('DDL_v01')).to.equal('section:DDL_v01');
    expect(versionIdentity('3')).to.equal(versionIdentity('3.0'));
  });
});
