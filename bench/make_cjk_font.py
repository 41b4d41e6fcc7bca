"""Rebuild ``api/fonts/NotoSansSC-GB2312.otf``: Noto Sans CJK SC (SIL Open Font License 1.1,
from Debian's fonts-noto-cjk) cut to ASCII, Latin-1, the GB2312 character set and common
punctuation, so the PDF 查新报告 embeds Chinese without shipping the 20 MB collection.

Run: ``.venv/bin/python bench/make_cjk_font.py`` (needs fonts-noto-cjk, ``make browser``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = Path(__file__).resolve().parent.parent / "api" / "fonts" / "NotoSansSC-GB2312.otf"
SC_INDEX = 2  # Noto Sans CJK SC in the collection


def gb2312_characters() -> set[str]:
    """Every character GB2312 encodes (its two-byte rows 0xA1..0xF7), plus ASCII and Latin-1."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    chars.update("—–‘’“”…、。〈〉《》「」『』【】〔〕·×÷≤≥①②③④⑤")
    return chars


def main() -> int:
    font = TTCollection(str(SOURCE)).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in gb2312_characters()])
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET}: {TARGET.stat().st_size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
