"""Where to go after sign-in: a path on this site, never another site.

A browser is lenient with what it treats as a path: it drops tabs and newlines, turns backslashes into
slashes, and reads ``//host`` as another host. So the candidate is decoded the way it may be decoded on
its way (percent-encoding, more than once), and refused unless what is left is a plain path of visible
ASCII characters that starts with exactly one slash.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

DEFAULT = "/mijn"
MAX_LENGTH = 500
# Enough rounds to see through double and triple encoding; anything still changing after that is refused.
DECODE_ROUNDS = 4


def _fully_decoded(value: str) -> str | None:
    for _ in range(DECODE_ROUNDS):
        decoded = unquote(value)
        if decoded == value:
            return value
        value = decoded
    return None


def local_path(candidate: str | None, default: str = DEFAULT) -> str:
    """``candidate`` if it is a path on this site, otherwise ``default``."""
    if not candidate or len(candidate) > MAX_LENGTH:
        return default
    decoded = _fully_decoded(candidate)
    if decoded is None:
        return default
    # Only visible ASCII: no control characters, spaces, backslashes or look-alike slashes.
    if any(not ("!" <= char <= "~") or char == "\\" for char in decoded):
        return default
    if not decoded.startswith("/") or decoded.startswith("//"):
        return default
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc:
        return default
    return candidate
