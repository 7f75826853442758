"""A font that renders Chinese policy terms in figures and in the report, on any machine.

Figures and the report name policies in Chinese where it helps (返贫, 低保, 兜底 ...).  A fresh
machine may have no CJK font, so the project pins one: Noto Sans CJK SC (SIL Open Font
License), shipped inside the ``mplfonts`` wheel.  Matplotlib gets it as a fallback after its
own DejaVu Sans, so Latin text looks as usual and each Chinese glyph comes from Noto.  The
report embeds the subset of the font covering the Chinese characters it shows, so it renders
in a browser with no CJK font and no internet.
"""

from __future__ import annotations

import base64
import functools
import io
import re
from importlib import resources
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FAMILY = "Noto Sans CJK SC"
#: The characters pages take from the embedded font: CJK radicals on (ideographs, CJK and fullwidth punctuation).
CJK_START = 0x2E80
CJK_RANGE = "U+2E80-10FFFF"
CJK_CHARACTER = re.compile(f"[{chr(CJK_START)}-{chr(0x10FFFF)}]")


def font_path() -> Path:
    """Path of the pinned CJK font file."""
    return Path(str(resources.files("mplfonts") / "fonts" / FONT_FILE))


@functools.cache
def use_cjk() -> str:
    """Make matplotlib fall back to the CJK font for glyphs DejaVu Sans lacks; return its family name."""
    from matplotlib import font_manager, rcParams

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    rcParams["font.family"] = ["DejaVu Sans", name]  # a list of families: matplotlib falls back glyph by glyph
    return name


def embedded_font_css(text: str, family: str = FAMILY) -> str:
    """A CSS ``@font-face`` holding the font's glyphs for the non-ASCII characters of ``text`` (base64)."""
    characters = "".join(sorted(set(CJK_CHARACTER.findall(text))))  # a report's text holds its images too: MBs
    return _font_face(characters, family) if characters else ""


@functools.lru_cache(maxsize=16)
def _font_face(characters: str, family: str) -> str:
    """The ``@font-face`` for these characters (Chinese characters in sorted order).

    Kept: subsetting the font takes about a second, and the dashboard (or a test session) renders
    reports with the same characters again and again.
    """
    from fontTools import subset

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    # One face for every weight: bold text (table headings) uses it too rather than a missing bold face.
    # The range limits the face to the characters it holds: pages list this family first, so every
    # Chinese run is shaped with it from the start.  Listed after a Latin font instead, Chromium shaped
    # some headings and cells with its last-resort font and kept the empty boxes.
    return (
        f"@font-face {{ font-family: '{family}'; font-weight: 100 900; unicode-range: {CJK_RANGE}; "
        f"src: url(data:font/otf;base64,{data}) format('opentype'); }}"
    )
