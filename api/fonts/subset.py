"""Make the briefing's font: Noto Sans CJK SC (SIL Open Font License 1.1, Debian's
fonts-noto-cjk) cut down to the characters a briefing can hold — ASCII, Latin-1, GB 2312's
symbols and its 6,763 hanzi (levels 1 and 2) — so the package carries ~2 MB, not 16 MB.
The outlines are turned from CFF (cubic) into TrueType (quadratic, within 1 unit of 1,000):
fpdf2 embeds TrueType as an Identity-H CID font whose text every PDF reader can extract.

Run again only to change the character set: ``python -m api.fonts.subset
[/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Noto Sans CJK SC"
TARGET = Path(__file__).resolve().parent / "NotoSansSC-Briefing.ttf"
EXTRA = "—–‘’“”…·•≥≤±×÷°℃‰№→←↑↓■□●○◆◇★☆、。《》「」『』【】〔〕（）：；，！？％＋－＝／"


def gb2312_characters() -> set[str]:
    """Every character GB 2312 encodes (rows 1–9 symbols, 16–87 hanzi)."""
    found: set[str] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def characters() -> str:
    latin = {chr(code) for code in range(0x20, 0x7F)} | {chr(code) for code in range(0xA0, 0x100)}
    return "".join(sorted(latin | gb2312_characters() | set(EXTRA)))


def make(source: Path = SOURCE, target: Path = TARGET) -> Path:
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
    options = subset.Options()
    options.layout_features = ["kern", "liga", "vert"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    to_truetype(font)
    font.save(str(target))
    return target


def to_truetype(font: TTFont, max_error: float = 1.0) -> None:
    """Replace the CFF outlines with TrueType ones (cubic curves approximated by quadratic
    ones within ``max_error`` font units), and the tables that describe outlines with it."""
    order = font.getGlyphOrder()
    outlines = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(outlines)
        outlines[name].draw(Cu2QuPen(pen, max_err=max_error, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:  # vertical origins belong to CFF fonts
        del font["VORG"]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for limit in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, limit, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: smaller, and none is needed
    font.sfntVersion = "\x00\x01\x00\x00"


if __name__ == "__main__":
    made = make(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
    print(f"{made}: {made.stat().st_size:,} bytes")
