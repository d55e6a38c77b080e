"""Characters that are not text: NUL and the other C0 controls (and DEL), taken out before anything reads the input.

They come from broken exports, JSON ``\\u0000`` escapes and binary junk pasted into feeds; PostgreSQL refuses NUL in
text outright, and none of them means anything in an article. Tab, newline and carriage return are text; vertical
tab and form feed are line breaks. With ``keep_offsets`` (verbatim inputs, whose offsets must refer to the input)
each control character becomes a space instead of disappearing.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from newsprism.model import Removal

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}


def strip_controls(text: str, *, keep_offsets: bool = False) -> tuple[str, Removal | None]:
    """``text`` without control characters, and a Removal saying which were taken out (None when there were none)."""
    found = Counter(_CONTROL.findall(text))
    if not found:
        return text, None
    if keep_offsets:
        clean = _CONTROL.sub(lambda m: _BREAKS.get(m.group(), " "), text)
    else:
        clean = _CONTROL.sub(lambda m: _BREAKS.get(m.group(), ""), text)
    names = ", ".join(f"{n} × U+{ord(c):04X} {unicodedata.name(c, _C0_NAMES.get(c, 'control'))}"
                      for c, n in sorted(found.items()))
    return clean, Removal(f"{sum(found.values())} control characters ({names})",
                          "control characters are not text (NUL cannot even be stored)")


# unicodedata has no names for the C0 controls.
_C0_NAMES = {"\x00": "NULL", "\x07": "BELL", "\x08": "BACKSPACE", "\x0b": "LINE TABULATION", "\x0c": "FORM FEED",
             "\x1b": "ESCAPE", "\x7f": "DELETE"}


def strip_field(value: str | None) -> str | None:
    """A metadata field (title, outlet, author) without control characters."""
    if value is None or not _CONTROL.search(value):
        return value
    return _CONTROL.sub(lambda m: " " if m.group() in _BREAKS else "", value).strip() or None
