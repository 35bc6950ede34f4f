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

/** Deeper than any GPX or TCX writer nests (they stay under 12); also what keeps parsing linear in the file size. */
export const MAX_XML_DEPTH = 100;
/** Bytes looked at for a byte order mark and the declaration's `encoding` before decoding starts. */
const ENCODING_SNIFF_BYTES = 1024;

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * The encoding of an XML document from its first bytes (XML 1.0 Appendix F): a byte order mark, UTF-16
 * recognised by its `<` without one, else the declaration's `encoding="…"`, else UTF-8. Throws
 * `INVALID_INPUT` for an encoding this platform cannot decode.
 */
export function xmlEncodingOf(head: Uint8Array): string {
  if (startsWith(head, 0xef, 0xbb, 0xbf)) return 'utf-8';
  if (startsWith(head, 0xfe, 0xff) || startsWith(head, 0x00, 0x3c)) return 'utf-16be';
  if (startsWith(head, 0xff, 0xfe) || startsWith(head, 0x3c, 0x00)) return 'utf-16le';
  let ascii = '';
  for (let i = 0; i < Math.min(head.length, 200); i++) ascii += String.fromCharCode(head[i]);
  const declared = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']{1,40})["']/.exec(ascii)?.[1];
  if (declared === undefined) return 'utf-8';
  if (/^utf-?16/i.test(declared)) throw new ExportError('INVALID_INPUT', `XML declares encoding "${declared}" but has no UTF-16 byte order mark`);
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    throw new ExportError('INVALID_INPUT', `XML declares an encoding this app cannot read: "${declared}"`);
  }
}

/** True when the bytes, decoded as `xmlEncodingOf` says, start with `<` after optional whitespace. */
export function looksLikeXml(head: Uint8Array): boolean {
  let encoding = 'utf-8';
  try {
    encoding = xmlEncodingOf(head);
  } catch {
    // An unreadable declared encoding is reported by the parser, with its name.
  }
  return /^\s*</.test(new TextDecoder(encoding).decode(head.subarray(0, 64)));
}

/** Carries an error of the byte stream itself through the parser's catch unchanged. */
class ReadFailure {
  constructor(readonly cause: unknown) {}
}

/** Bytes that do not decode in the document's encoding, on this line. */
class BadText {
  constructor(readonly line: number, readonly cause: unknown) {}
}

/** The stream's first chunks joined until at least `count` bytes (or the end), and the rest of the stream after them. */
async function splitHead(chunks: AsyncIterable<Uint8Array>, count: number): Promise<{ head: Uint8Array; rest: AsyncIterator<Uint8Array> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < count) {
    const next = await iterator.next();
    if (next.done) break;
    parts.push(next.value);
    size += next.value.length;
  }
  const head = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    head.set(part, offset);
    offset += part.length;
  }
  return { head, rest: iterator };
}

/**
 * Parses XML from a chunk stream, calling `handler` per element. The encoding comes from a byte order mark
 * or the declaration (UTF-8, UTF-16, ISO-8859-1…, see `xmlEncodingOf`). Malformed XML (an unclosed tag, text
 * before the declaration, a truncated file, bytes invalid in the encoding, elements nested deeper than
 * `MAX_XML_DEPTH`) throws `INVALID_INPUT` with the parser's line:column; so does an error thrown by the
 * handler, prefixed with the current line. The depth limit keeps the work linear: saxes resolves each
 * element's namespace by walking the open elements, so unbounded nesting would cost depth² steps.
 */
export async function parseXmlStream(chunks: AsyncIterable<Uint8Array>, handler: XmlHandler, signal?: AbortSignal): Promise<void> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let text = '';
  let depth = 0;
  parser.on('opentagstart', () => {
    if (depth >= MAX_XML_DEPTH) throw new ExportError('INVALID_INPUT', `elements nested deeper than ${MAX_XML_DEPTH} levels; no GPX or TCX file nests like this`);
  });
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
  // What reading the bytes throws (a gzip limit, a read error) says its own words, without a line number.
  const { head, rest } = await splitHead(chunks, ENCODING_SNIFF_BYTES);
  let encoding = 'utf-8';
  try {
    encoding = xmlEncodingOf(head);
    const decoder = new TextDecoder(encoding, { fatal: true });
    let chunk = head;
    const decode = (bytes: Uint8Array, stream: boolean): string => {
      chunk = bytes;
      return decoder.decode(bytes, { stream });
    };
    try {
      parser.write(decode(head, true));
      for (;;) {
        signal?.throwIfAborted();
        const next = await rest.next().catch((error: unknown) => ({ done: true as const, value: undefined, error }));
        if ('error' in next) throw new ReadFailure(next.error);
        if (next.done) break;
        parser.write(decode(next.value, true));
      }
      parser.write(decode(new Uint8Array(0), false));
    } catch (error) {
      if (error instanceof TypeError) throw new BadText(parser.line + linesBeforeBadByte(chunk, encoding), error);
      throw error;
    }
    parser.close();
  } catch (error) {
    if (error instanceof ReadFailure) throw error.cause;
    if (error instanceof BadText) throw new ExportError('INVALID_INPUT', `line ${error.line}: not valid ${encoding} text`, { cause: error.cause });
    if (error instanceof Error && error.name === 'AbortError') throw error;
    if (error instanceof ExportError) throw new ExportError(error.code, `line ${parser.line}: ${error.message}`, { cause: error });
    throw new ExportError('INVALID_INPUT', `malformed XML: ${(error as Error).message}`, { cause: error });
  }
}

/** Line breaks in `chunk` before its first byte that does not decode, so the error names the line it is on. */
function linesBeforeBadByte(chunk: Uint8Array, encoding: string): number {
  const text = new TextDecoder(encoding).decode(chunk);
  const bad = text.indexOf('\uFFFD');
  return (bad === -1 ? text : text.slice(0, bad)).split('\n').length - 1;
}
