"""Bytes to text, safely: bounded gunzip, binary detection, charset decoding.

Every function here raises ``InputError`` with a message meant for a user; the readers turn it into an error on
the one article concerned.
"""
from __future__ import annotations

import codecs
import re
import zlib

MAX_BYTES = 20 * 1024 * 1024  # largest input (after decompression) read into memory
_HTML_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_XML_CHARSET = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})["']""", re.I)


class InputError(Exception):
    """An input that cannot be read; the message names what is wrong (the caller adds the file or URL)."""


def gunzip_bounded(data: bytes, limit: int | None = None) -> bytes:
    """Decompress gzip (several members allowed) without ever holding more than ``limit`` bytes: a gzip bomb
    stops at the limit instead of filling memory."""
    limit = MAX_BYTES if limit is None else limit
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while rest:
                chunk = d.decompress(rest, max(1, limit + 1 - len(out)))
                out += chunk
                if len(out) > limit:
                    raise InputError(f"decompressed size exceeds the {limit:,}-byte limit (gzip bomb?)")
                rest = d.unconsumed_tail
                if d.eof or (not chunk and not rest):
                    break
        except zlib.error as exc:
            raise InputError(f"corrupt gzip data: {exc}") from None
        if not d.eof:
            raise InputError("truncated gzip data")
        rest = d.unused_data.lstrip(b"\0")
    return bytes(out)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB mean this is not text (UTF-16 is caught first)."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\0" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return ctrl > max(8, len(head) // 50)


def _known(enc: str) -> str | None:
    try:
        return codecs.lookup(enc.decode("ascii", "ignore") if isinstance(enc, bytes) else enc).name
    except LookupError:
        return None


def decode_bytes(data: bytes, *, declared: str | None = None, kind: str = "text") -> str:
    """Decode ``data`` to str: BOM, then UTF-8, then the declared charset (HTTP header, <meta>, XML prolog), then
    charset detection. Raises InputError when the bytes are empty, binary or undecodable."""
    if not data or not data.strip():
        raise InputError("empty input")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {enc} after byte-order mark: {exc.reason}") from None
    if looks_binary(data):
        raise InputError("binary content, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    if declared:
        candidates.append(declared)
    if kind in ("html", "xml"):
        m = _XML_CHARSET.search(data[:2048]) or _HTML_CHARSET.search(data[:4096])
        if m:
            candidates.append(m.group(1).decode("ascii", "ignore"))
    for enc in candidates:
        name = _known(enc)
        if name and name not in ("utf-8",):
            try:
                return _decode_as(data, name)
            except (UnicodeDecodeError, LookupError):
                continue
    text = _detected(data)
    if text is not None:
        return text
    raise InputError("not UTF-8, no charset declared, and no legacy encoding decodes it as text; save it as UTF-8 "
                     "or declare its charset")


# Labels that mean windows-1252 on the web (WHATWG Encoding Standard): pages labelled latin-1 use its 0x80-0x9F
# range for quotes, dashes and the euro sign, which ISO-8859-1 would turn into control characters.
_WINDOWS_1252_LABELS = {"iso8859-1", "ascii"}  # codecs.lookup names


def _decode_as(data: bytes, name: str) -> str:
    if name in _WINDOWS_1252_LABELS:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass  # one of the five bytes windows-1252 leaves undefined: the label's own table
    return data.decode(name)


# Coherence (how much a decoding's letter frequencies look like some language) differs by a few hundredths between
# code pages on a sentence or two: differences that small are noise, not evidence.
_COHERENCE_NOISE = 0.05


def _detected(data: bytes) -> str | None:
    """Charset detection for undeclared legacy bytes, or None when nothing reads as text.

    charset_normalizer scores each candidate by how chaotic and how language-like its decoding is; on short texts
    many single-byte code pages score the same and it picks one of them arbitrarily (a French "à" read as cp1250's
    "ŕ"). windows-1252 is scored explicitly too, and wins such (near) ties: it is the default the WHATWG Encoding
    Standard gives undeclared legacy documents. A clearly better-scoring candidate (Cyrillic, Greek) still wins.
    """
    try:
        from charset_normalizer import from_bytes
        sample = data[:200_000]
        matches = list(from_bytes(sample)) + list(from_bytes(sample, cp_isolation=["cp1252"]))
    except Exception:  # noqa: BLE001 - detection is best effort
        return None
    if not matches:
        return None
    best = min(matches, key=lambda m: (m.chaos, -m.coherence))
    if best.chaos >= 0.3:
        return None
    western = [m for m in matches if m.encoding == "cp1252"]
    if western and western[0].chaos <= best.chaos and western[0].coherence >= best.coherence - _COHERENCE_NOISE:
        best = western[0]
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
