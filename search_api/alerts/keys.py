"""Client keys: a secret given to the client once, of which only a hash is stored.

A key is a bearer secret of at least 32 URL-safe characters, made here (256 random bits) or
chosen by the client. Its SHA-256 is what the store keeps and looks up: a copy of Redis names
no key, and no key can be recovered from it. A plain hash suffices because keys are long random
strings, not passwords a dictionary could guess (the length rule keeps chosen ones that way).
"""

from __future__ import annotations

import hashlib
import re
import secrets

KEY_HEADER = "X-Client-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,128}")
KEY_RULE = "a client key is 32 to 128 characters of A-Z, a-z, 0-9, '_' and '-'"


def new_key() -> str:
    return secrets.token_urlsafe(32)


def valid_key(key: str) -> bool:
    return KEY_PATTERN.fullmatch(key) is not None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def new_search_id() -> str:
    """128 random bits: the id also reads the feed (a feed reader sends no header)."""
    return secrets.token_urlsafe(16)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)
