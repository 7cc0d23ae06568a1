"""Bytes -> text: refuse binary data, honour BOMs, try UTF-8, then detect the encoding."""

from __future__ import annotations

import codecs

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Return (text, encoding) or raise ``InputError`` naming ``where``."""
    if not data.strip():
        raise InputError(where, "the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(
                    where, f"starts with a {enc} byte-order mark but is not valid {enc}: {e}"
                ) from None
    if _looks_binary(data):
        raise InputError(where, "looks like a binary file (control bytes), not text, HTML or JSON")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for c in sample if c < 32 and c not in (9, 10, 12, 13, 27))
    return control > 0.05 * len(sample)
