/**
 * Reads a CloudFormation YAML template into plain JSON, turning the short-form intrinsic function
 * tags (`!Ref`, `!Sub`, `!GetAtt`, ...) into their long form (`{ Ref: ... }`), as CloudFormation does.
 */
import { parse, type CollectionTag, type ScalarTag, type Tags } from 'yaml';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'And',
  'Select',
  'Split',
  'Sub',
  'Condition',
];

function longName(name: string): string {
  return name === 'Condition' ? 'Condition' : `Fn::${name}`;
}

const tags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  ...FUNCTIONS.flatMap((name): (ScalarTag | CollectionTag)[] => [
    // `!GetAtt Res.Attr` is the scalar form of `Fn::GetAtt: [Res, Attr]`.
    { tag: `!${name}`, resolve: (value: string) => ({ [longName(name)]: name === 'GetAtt' ? value.split('.', 2) : value }) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq) => ({ [longName(name)]: seq.toJSON() as unknown }) },
    { tag: `!${name}`, collection: 'map', resolve: (map) => ({ [longName(name)]: map.toJSON() as unknown }) },
  ]),
];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function parseCloudFormation(text: string): Record<string, Json> {
  return parse(text, { customTags: tags }) as Record<string, Json>;
}
