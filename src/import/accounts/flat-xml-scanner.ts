// A byte-level scanner for machine-written XML that holds its data in attributes (Apple Health's export.xml): start
// and end tags with their attribute text, nothing else built. Several times faster than a namespace-aware SAX parse,
// which export.xml (up to 4 GB, no namespaces, no character data that matters) does not need. It checks what it
// relies on: tags close in order and the document ends closed, else `INVALID_INPUT` with the byte offset.

import { ExportError } from '../../model/errors.ts';
import { xmlEncodingOf } from '../xml-stream.ts';

/** A start tag: its name, and its attributes read on demand. */
export interface FlatTag {
  name: string;
  /** The value of attribute `name` (entities decoded), or undefined. */
  attr(name: string): string | undefined;
}

export interface FlatXmlHandler {
  open(tag: FlatTag, depth: number): void;
  close(name: string, depth: number): void;
}

/** Longest markup (one tag, comment or DOCTYPE) held while waiting for its end. */
const MAX_PENDING_CHARS = 4 * 1024 * 1024;

const ENTITY = /&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(ENTITY, (_, name: string) => {
    if (name[0] !== '#') return NAMED[name];
    const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/**
 * A copy of `value` that does not hold on to the text it was cut from. V8 keeps a slice of 13 or more characters as a
 * view of its parent, so one kept source name (a map key for a day) would keep a whole megabyte chunk alive; over
 * years of days that grew memory with the file.
 */
function detached(value: string): string {
  return value.length < 13 ? value : (' ' + value).slice(1);
}

class Tag implements FlatTag {
  constructor(readonly name: string, private readonly raw: string) {}

  attr(name: string): string | undefined {
    let from = 0;
    for (;;) {
      const at = this.raw.indexOf(`${name}=`, from);
      if (at === -1) return undefined;
      from = at + name.length + 1;
      const before = this.raw.charCodeAt(at - 1);
      // Only a whole attribute name: preceded by white space (space, tab, CR, LF).
      if (!(before === 32 || before === 9 || before === 10 || before === 13)) continue;
      const quote = this.raw[from];
      if (quote !== '"' && quote !== "'") return undefined;
      const end = this.raw.indexOf(quote, from + 1);
      return end === -1 ? undefined : detached(decodeEntities(this.raw.slice(from + 1, end)));
    }
  }
}

const QUOTE_OR_GT = /["'>]/g;

/** End of a start tag whose `<` is at `from`: the index of its closing `>` outside quotes, or -1 if not in `text` yet. */
function tagEnd(text: string, from: number): number {
  QUOTE_OR_GT.lastIndex = from + 1;
  for (;;) {
    const match = QUOTE_OR_GT.exec(text);
    if (!match) return -1;
    if (match[0] === '>') return match.index;
    const close = text.indexOf(match[0], match.index + 1);
    if (close === -1) return -1;
    QUOTE_OR_GT.lastIndex = close + 1;
  }
}

/**
 * Scans a chunk stream of XML, calling `handler` per start and end tag (a self-closing tag gives both). Comments,
 * processing instructions, the DOCTYPE (internal subset included) and CDATA are passed over; text is ignored.
 */
export async function scanFlatXml(chunks: AsyncIterable<Uint8Array>, handler: FlatXmlHandler, signal?: AbortSignal): Promise<void> {
  let decoder: TextDecoder | undefined;
  let text = '';
  let consumed = 0;
  const open: string[] = [];
  const fail = (what: string, at: number): never => {
    throw new ExportError('INVALID_INPUT', `malformed XML near character ${consumed + at}: ${what}`);
  };
  const scan = (isLast: boolean) => {
    let pos = 0;
    for (;;) {
      const lt = text.indexOf('<', pos);
      if (lt === -1) {
        pos = text.length;
        break;
      }
      const next = text[lt + 1];
      let end: number;
      if (next === '?') {
        end = text.indexOf('?>', lt);
        if (end === -1) break;
        end += 1;
      } else if (next === '!') {
        if (text.startsWith('<!--', lt) || text.startsWith('<![CDATA[', lt)) {
          const terminator = text[lt + 2] === '-' ? '-->' : ']]>';
          const at = text.indexOf(terminator, lt);
          end = at === -1 ? -1 : at + 2;
        } else if (text.length - lt < 9) {
          end = -1;
        } else {
          // A DOCTYPE: with an internal subset it ends at `]>`.
          const close = tagEnd(text, lt);
          const bracket = text.indexOf('[', lt);
          end = bracket !== -1 && (close === -1 || bracket < close) ? text.indexOf(']>', bracket) + 1 : close;
          if (end === 0) end = -1;
        }
        if (end < 1) break;
      } else if (next === '/') {
        end = text.indexOf('>', lt);
        if (end === -1) break;
        const name = text.slice(lt + 2, end).trim();
        const expected = open.pop();
        if (expected !== name) fail(expected === undefined ? `</${name}> closes nothing` : `</${name}> closes <${expected}>`, lt);
        handler.close(name, open.length);
      } else {
        if (next === undefined) break;
        end = tagEnd(text, lt);
        if (end === -1) break;
        const isEmpty = text[end - 1] === '/';
        const inner = text.slice(lt + 1, isEmpty ? end - 1 : end);
        const space = inner.search(/[\s]/);
        const name = space === -1 ? inner : inner.slice(0, space);
        if (!name) fail('a "<" that starts no tag', lt);
        handler.open(new Tag(name, space === -1 ? '' : inner.slice(space)), open.length);
        if (isEmpty) handler.close(name, open.length);
        else open.push(name);
      }
      pos = end + 1;
    }
    consumed += pos;
    text = text.slice(pos);
    // What is left is one unfinished tag, comment or DOCTYPE; none of export.xml's comes near this.
    if (text.length > MAX_PENDING_CHARS) fail(`a tag, comment or declaration longer than ${MAX_PENDING_CHARS} characters`, 0);
    if (isLast && text.includes('<')) fail('the file ends inside a tag (cut short?)', 0);
    if (isLast && open.length) fail(`the file ends inside <${open.at(-1)}> (cut short?)`, 0);
  };
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    if (!decoder) decoder = new TextDecoder(xmlEncodingOf(chunk), { fatal: true });
    try {
      text += decoder.decode(chunk, { stream: true });
    } catch (error) {
      throw new ExportError('INVALID_INPUT', `not valid text near character ${consumed + text.length}`, { cause: error });
    }
    scan(false);
  }
  text += decoder?.decode() ?? '';
  scan(true);
}

/**
 * The start tags holding `marker` in their text (`HKQuantityTypeIdentifierHeartRate"`), found by searching for it:
 * for a second pass over a document `scanFlatXml` has already checked, when only a few kinds of tag matter. Several
 * times faster, since the tags between are never cut out. Attribute values must not hold a raw `>` (export.xml
 * escapes it).
 */
export async function scanTagsContaining(chunks: AsyncIterable<Uint8Array>, marker: string, onTag: (tag: FlatTag) => void, signal?: AbortSignal): Promise<void> {
  let decoder: TextDecoder | undefined;
  let text = '';
  const scan = () => {
    let pos = 0;
    for (;;) {
      const at = text.indexOf(marker, pos);
      if (at === -1) break;
      const lt = text.lastIndexOf('<', at);
      const gt = text.indexOf('>', at);
      if (gt === -1) break;
      if (lt >= pos) {
        const inner = text.slice(lt + 1, text[gt - 1] === '/' ? gt - 1 : gt);
        const space = inner.search(/\s/);
        if (space > 0) onTag(new Tag(inner.slice(0, space), inner.slice(space)));
      }
      pos = gt + 1;
    }
    // Keep the tag that may be cut at the chunk's end (the marker may be in its next part).
    const lastLt = text.lastIndexOf('<');
    text = lastLt >= pos ? text.slice(lastLt) : '';
    if (text.length > MAX_PENDING_CHARS) throw new ExportError('INVALID_INPUT', `malformed XML: a tag longer than ${MAX_PENDING_CHARS} characters`);
  };
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    decoder ??= new TextDecoder(xmlEncodingOf(chunk));
    text += decoder.decode(chunk, { stream: true });
    scan();
  }
  text += decoder?.decode() ?? '';
  scan();
}
