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
                return data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - detection is best effort
        best = None
    if best is not None and best.encoding:
        try:
            text = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None and best.chaos < 0.3:
            return text
    raise InputError("not UTF-8 and no charset decodes it")
