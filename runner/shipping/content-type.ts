/**
 * Content-Type of each uploaded file, so S3 serves `report.html` as a page and SQL, logs and
 * reports as readable text in the browser instead of downloads.
 */
import { contentType as lookup } from 'mime-types';

/** Files an engineer opens from the S3 console: shown as UTF-8 text, not offered as a download. */
const OVERRIDES: Record<string, string> = {
  '.log': 'text/plain; charset=utf-8',
  '.sql': 'text/plain; charset=utf-8',
  '.ini': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.ndjson': 'application/x-ndjson; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  const dot = file.lastIndexOf('.');
  const ext = dot >= 0 ? file.slice(dot).toLowerCase() : '';
  return OVERRIDES[ext] ?? (lookup(ext || 'x.bin') || 'application/octet-stream');
}

/** Whether the file's bytes are text that masking may rewrite (never binary). */
export function isTextContent(contentType: string): boolean {
  return /^text\/|json|xml|javascript|x-sql/.test(contentType);
}
