/**
 * The one XML escaper and the one HTML escaper of rsrun: every report, the lint's JUnit output
 * and the S3 index page go through these.
 */

// Everything XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets): control characters other
// than tab, LF and CR, U+FFFE/U+FFFF, and UTF-16 surrogates that are not part of a pair (with the
// `u` flag a lone surrogate is its own code point, outside the allowed ranges).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text for XML element content or a double-quoted attribute. Characters XML cannot carry become
 * U+FFFD, so a report about a test whose data held a NUL still parses (and shows where it was).
 */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text for HTML element content or an attribute (single or double quoted). */
export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
