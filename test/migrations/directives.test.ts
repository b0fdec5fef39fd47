import { expect } from 'chai';
import { readDirective } from '../../runner/migrations/directives';

describe('rsrun: directive comments', () => {
  const read = (text: string) => readDirective({ text, line: 7 });

  it('splits name and arguments; the name is case-insensitive', () => {
    expect(read('rsrun:lint-disable RS009, RS016')).to.deep.equal({ name: 'lint-disable', args: 'RS009, RS016', line: 7 });
    expect(read('rsrun:No-Transaction')).to.deep.equal({ name: 'no-transaction', args: '', line: 7 });
    expect(read('rsrun:expect  scalar  42 ')).to.deep.equal({ name: 'expect', args: 'scalar  42', line: 7 });
  });

  it('ordinary comments are not directives; a directive without a name has an empty one (callers report it)', () => {
    expect(read('just a comment about rsrun:test')).to.equal(undefined);
    expect(read('rsrun: test')).to.deep.equal({ name: 'test', args: '', line: 7 });
    expect(read('rsrun:')).to.deep.equal({ name: '', args: '', line: 7 });
    expect(read('rsrun:9lives')).to.deep.equal({ name: '', args: '9lives', line: 7 });
  });
});
