// Streaming, namespace-aware XML reading with saxes: bytes in, element open/close events out. No DOM, so it runs in workers and Node.

import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ExportError } from '../model/errors.ts';

/** Receives elements as they open and close; `text` is the element's own character data, trimmed. */
export interface XmlHandler {
  open(tag: SaxesTagNS, depth: number): void;
  close(tag: SaxesTagNS, text: string, depth: number): void;
}

/** Value of an attribute without namespace (`lat="…"`), or undefined. */
export function attributeOf(tag: SaxesTagNS, name: string): string | undefined {
  return tag.attributes[name]?.value;
}

/**
 * Parses UTF-8 XML from a chunk stream, calling `handler` per element. Malformed XML (an unclosed tag,
 * text before the declaration, a truncated file) throws `INVALID_INPUT` with the parser's line:column;
 * so does an error thrown by the handler, prefixed with the current line.
 */
export async function parseXmlStream(chunks: AsyncIterable<Uint8Array>, handler: XmlHandler, signal?: AbortSignal): Promise<void> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let text = '';
  let depth = 0;
  parser.on('opentag', (tag) => {
    text = '';
    handler.open(tag, depth++);
  });
  parser.on('text', (value) => {
    text += value;
  });
  parser.on('cdata', (value) => {
    text += value;
  });
  parser.on('closetag', (tag) => {
    const own = text.trim();
    text = '';
    handler.close(tag, own, --depth);
  });
  try {
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      parser.write(decoder.decode(chunk, { stream: true }));
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    if (error instanceof ExportError) throw new ExportError(error.code, `line ${parser.line}: ${error.message}`, { cause: error });
    if (error instanceof TypeError) throw new ExportError('INVALID_INPUT', `not valid UTF-8 text near line ${parser.line}`, { cause: error });
    throw new ExportError('INVALID_INPUT', `malformed XML: ${(error as Error).message}`, { cause: error });
  }
}

const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses an `xsd:dateTime` to epoch ms (no zone means UTC, as GPX/TCX writers intend); throws `INVALID_INPUT` otherwise. */
export function parseDateTimeMs(value: string, what: string): number {
  const normalized = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const timeMs = DATE_TIME.test(value) ? Date.parse(normalized) : Number.NaN;
  if (!Number.isFinite(timeMs)) throw new ExportError('INVALID_INPUT', `${what} is not a valid dateTime: "${value.slice(0, 60)}"`);
  return timeMs;
}

/** Parses a decimal; throws `INVALID_INPUT` naming the element for anything else (`undefined`, `high`…). */
export function parseNumber(value: string, what: string): number {
  const parsed = value === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) throw new ExportError('INVALID_INPUT', `${what} is not a number: "${value.slice(0, 60)}"`);
  return parsed;
}
