/** The one-pass SHA-256 + MD5 that S3 uploads send, against each hash computed on its own. */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { sha256AndMd5 } from '../../runner/shipping/store';

describe('sha256AndMd5', () => {
  it('equals separate SHA-256 and MD5 digests, at and around the chunk boundaries', () => {
    for (const size of [0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 7]) {
      const body = randomBytes(size);
      const { sha256, md5 } = sha256AndMd5(body);
      expect(sha256, `size ${size}`).to.equal(createHash('sha256').update(body).digest('hex'));
      expect(md5.toString('hex'), `size ${size}`).to.equal(createHash('md5').update(body).digest('hex'));
    }
  });
});
