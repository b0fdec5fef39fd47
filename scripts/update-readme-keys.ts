/** Rewrites the README's rsrun.ini key reference from runner/config/keys.ts: `node --import tsx scripts/update-readme-keys.ts`. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withKeyReference } from '../runner/config/key-reference';

const readme = path.resolve(__dirname, '..', 'README.md');
writeFileSync(readme, withKeyReference(readFileSync(readme, 'utf8')));
