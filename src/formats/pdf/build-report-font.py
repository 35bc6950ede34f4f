#!/usr/bin/python3
"""Builds public/fonts/takeaway-report-sans.ttf: Noto Sans CJK SC (Debian fonts-noto-cjk) cut to Latin, Greek,
Cyrillic, kana, Hangul and the common CJK ideographs, with its CFF outlines turned into TrueType curves,
because jsPDF embeds only TrueType (glyf) fonts.

Common ideographs are the ones the national standard character sets carry: GB 2312 (simplified Chinese),
JIS X 0208 (Japanese), Big5 level 1 (traditional Chinese) and the KS X 1001 Hangul syllables.
Run: apt-get install fonttools fonts-noto-cjk && /usr/bin/python3 src/formats/pdf/build-report-font.py
"""
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.recordingPen import DecomposingRecordingPen

SOURCE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
# Noto Sans CJK lacks accented Greek (tonos) and some Latin/Cyrillic letters: DejaVu Sans (fonts-dejavu-core) fills them in.
FALLBACK = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
TARGET = sys.argv[1] if len(sys.argv) > 1 else 'public/fonts/takeaway-report-sans.ttf'
FAMILY = 'Takeaway Report Sans'
# Maximum distance between a cubic and its quadratic approximation, in font units (1000 per em).
MAX_CURVE_ERROR = 1.0

RANGES = [
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A/B
    (0x0250, 0x02FF),  # IPA, spacing modifiers
    (0x0300, 0x036F),  # combining diacritics
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and supplement
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0x2000, 0x206F),  # punctuation
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x21FF),  # letterlike, number forms, arrows
    (0x2200, 0x22FF),  # maths operators
    (0x2460, 0x24FF),  # enclosed numbers
    (0x2500, 0x25FF),  # box drawing, shapes
    (0x3000, 0x30FF),  # CJK punctuation, Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xFF00, 0xFFEF),  # full-width forms
]


def charset_codepoints(codec, lead_bytes, trail_bytes):
    points = set()
    for lead in lead_bytes:
        for trail in trail_bytes:
            try:
                text = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                points.add(ord(text))
    return points


def common_cjk():
    points = set()
    points |= charset_codepoints('gb2312', range(0xB0, 0xF8), range(0xA1, 0xFF))  # GB 2312 hanzi rows 16-87
    points |= charset_codepoints('euc_jp', range(0xB0, 0xF5), range(0xA1, 0xFF))  # JIS X 0208 kanji rows 16-84
    points |= charset_codepoints('big5', range(0xA4, 0xC7), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)))  # Big5 level 1
    points |= charset_codepoints('euc_kr', range(0xB0, 0xC9), range(0xA1, 0xFF))  # KS X 1001 Hangul syllables
    return points


def cff_to_glyf(font):
    glyph_set = font.getGlyphSet()
    glyph_order = font.getGlyphOrder()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_CURVE_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable('glyf')
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font['glyf'] = glyf
    font['loca'] = newTable('loca')
    del font['CFF ']
    if 'VORG' in font:
        del font['VORG']
    maxp = font['maxp']
    maxp.tableVersion = 0x00010000
    for field in ('maxZones', 'maxTwilightPoints', 'maxStorage', 'maxFunctionDefs', 'maxInstructionDefs',
                  'maxStackElements', 'maxSizeOfInstructions', 'maxComponentElements', 'maxComponentDepth'):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    head = font['head']
    head.indexToLocFormat = 0
    head.glyphDataFormat = 0
    font['post'].formatType = 3.0
    font.sfntVersion = '\x00\x01\x00\x00'


def add_fallback_glyphs(font, unicodes):
    fallback = TTFont(FALLBACK)
    fallback_cmap = fallback.getBestCmap()
    fallback_glyphs = fallback.getGlyphSet()
    scale = font['head'].unitsPerEm / fallback['head'].unitsPerEm
    cmap = font.getBestCmap()
    glyph_order = list(font.getGlyphOrder())
    added = {}
    for code in sorted(unicodes):
        if code in cmap or code not in fallback_cmap:
            continue
        source_name = fallback_cmap[code]
        name = f'fb.{source_name}'
        if name not in font['glyf'].glyphs:
            recording = DecomposingRecordingPen(fallback_glyphs)
            fallback_glyphs[source_name].draw(recording)
            pen = TTGlyphPen(None)
            recording.replay(TransformPen(pen, (scale, 0, 0, scale, 0, 0)))
            font['glyf'].glyphs[name] = pen.glyph()
            advance, lsb = fallback['hmtx'][source_name]
            font['hmtx'][name] = (round(advance * scale), round(lsb * scale))
            glyph_order.append(name)
        added[code] = name
    font.setGlyphOrder(glyph_order)
    font['glyf'].glyphOrder = glyph_order
    for table in font['cmap'].tables:
        if table.isUnicode():
            for code, name in added.items():
                if table.format == 4 and code > 0xFFFF:
                    continue
                table.cmap[code] = name
    return len(added)


def rename(font):
    for record in font['name'].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f'{FAMILY} Regular'
        elif record.nameID == 6:
            record.string = FAMILY.replace(' ', '') + '-Regular'


def main():
    collection_index = None
    for index in range(10):
        font = TTFont(SOURCE, fontNumber=index, lazy=True)
        if font['name'].getDebugName(1) == 'Noto Sans CJK SC':
            collection_index = index
            break
    if collection_index is None:
        raise SystemExit('Noto Sans CJK SC not found in ' + SOURCE)
    font = TTFont(SOURCE, fontNumber=collection_index)
    unicodes = set(common_cjk())
    for start, end in RANGES:
        unicodes |= set(range(start, end + 1))
    options = subset.Options()
    options.layout_features = []  # jsPDF does no shaping; GSUB/GPOS would only add bytes
    options.hinting = False
    options.name_IDs = ['*']
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    for tag in ('GSUB', 'GPOS', 'GDEF', 'BASE', 'vhea', 'vmtx'):
        if tag in font:
            del font[tag]
    cff_to_glyf(font)
    added = add_fallback_glyphs(font, unicodes)
    rename(font)
    font.save(TARGET)
    print(f'{TARGET}: {len(font.getGlyphOrder())} glyphs, {added} from DejaVu Sans')


main()
