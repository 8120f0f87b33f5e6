"""Encryption at rest: the key document, the data key, sealed records. Pure (no I/O, no clock).

Only library primitives from `cryptography`: Argon2id (scrypt where the OpenSSL
in use lacks it) turns a passphrase or the recovery code into a key that wraps
one random 256-bit data key; AES-256-GCM with a random 96-bit nonce seals each
record under that data key. A record is one ASCII line, `exback:1:` then the
base64 of nonce + ciphertext + tag, so the journal stays one line per note and
`journal add` appends one sealed line. The whole format is in docs/encryption.md.

`cryptography` is imported only inside the functions that need it: checking
whether bytes are sealed (`is_sealed`) costs nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

PREFIX = b"exback:1:"  # every sealed record starts so: a whole file, or one journal line
FORMAT = "exback-encryption"
VERSION = 1
CIPHER = "AES-256-GCM"
NONCE_BYTES = 12
KEY_BYTES = 32
SALT_BYTES = 16
RECOVERY_BYTES = 20  # 160 random bits, shown as 32 base32 letters and digits
# What a record's authentication covers besides its text: which kind of record it is.
FILE_AD = b"exback:1:file"
LINE_AD = b"exback:1:line"
KEY_AD = b"exback:1:data-key"
CHECK_AD = b"exback:1:key-check"
# RFC 9106's second recommended Argon2id setting (64 MiB, 3 passes, 4 lanes);
# scrypt at 2**17 (128 MiB) where Argon2id is not available.
ARGON2ID = {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "lanes": 4}
SCRYPT = {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}
# Bounds on what a key document may ask for: a damaged or hostile one cannot make
# exback spend gigabytes or minutes (the defaults are far below these).
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 64
_MAX_LANES = 64
_MAX_SCRYPT_N = 2**22


class SealError(Exception):
    """A sealed record that does not open: damaged or changed since it was written."""


class WrongSecret(Exception):
    """The passphrase (or recovery code) does not open the data key."""


class BadKeyDocument(Exception):
    """The key document is not one exback wrote (or is damaged)."""


def _random_bytes(count: int) -> bytes:
    """`count` bytes from the OS's random source (`secrets` is imported only when needed:
    a command on plain data never is)."""
    import secrets

    return secrets.token_bytes(count)


def is_sealed(data: bytes) -> bool:
    """Whether a file's bytes (or one journal line) are a sealed record."""
    return data.startswith(PREFIX)


# --- secrets: the passphrase and the recovery code --------------------------------------


def normal_passphrase(passphrase: str) -> bytes:
    """The passphrase as bytes, the same however the keyboard composed its accents (NFC)."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_recovery_code() -> str:
    """A one-time recovery code: 32 base32 characters in groups of four."""
    letters = base64.b32encode(_random_bytes(RECOVERY_BYTES)).decode("ascii")
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def normal_recovery_code(code: str) -> bytes:
    """A recovery code as typed (any case, spaces or dashes) in its one canonical form."""
    return "".join(c for c in code.upper() if c.isalnum()).encode("ascii", "replace")


# --- the key document ----------------------------------------------------------------------


@dataclass(frozen=True)
class Unlocked:
    """The data key, opened, and the document it came from."""

    data_key: bytes
    document: dict[str, Any]


def new_key_document(passphrase: str, recovery_code: str) -> Unlocked:
    """A fresh random data key, wrapped once by the passphrase and once by the recovery code."""
    data_key = _random_bytes(KEY_BYTES)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "cipher": CIPHER,
        "passphrase": _wrap(data_key, normal_passphrase(passphrase)),
        "recovery": _wrap(data_key, normal_recovery_code(recovery_code)),
    }
    return Unlocked(data_key, document)


def rewrap(unlocked: Unlocked, passphrase: str) -> dict[str, Any]:
    """The same data key under a new passphrase (fresh salt, today's KDF parameters).

    The recovery code's wrap is kept: it still opens the data.
    """
    wrap = _wrap(unlocked.data_key, normal_passphrase(passphrase))
    return {**unlocked.document, "passphrase": wrap}


def unlock(document: dict[str, Any], passphrase: str) -> Unlocked:
    """The data key from the passphrase; WrongSecret when it does not open it."""
    check_document(document)
    return Unlocked(_unwrap(document["passphrase"], normal_passphrase(passphrase)), document)


def unlock_with_recovery(document: dict[str, Any], code: str) -> Unlocked:
    """The data key from the recovery code; WrongSecret when it does not open it."""
    check_document(document)
    return Unlocked(_unwrap(document["recovery"], normal_recovery_code(code)), document)


def document_bytes(document: dict[str, Any]) -> bytes:
    """The key document as the bytes of encryption.json."""
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("ascii")


def parse_document(raw: bytes) -> dict[str, Any]:
    """encryption.json's document; BadKeyDocument when it is not one exback wrote."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadKeyDocument("not valid JSON") from None
    check_document(document)
    assert isinstance(document, dict)
    return document


def check_document(document: Any) -> None:
    """BadKeyDocument unless every field is there, in range, and of a known kind."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadKeyDocument("not an exback key document")
    if document.get("version") != VERSION or document.get("cipher") != CIPHER:
        raise BadKeyDocument(
            f"version {document.get('version')!r} / {document.get('cipher')!r}: this exback "
            f"reads version {VERSION}, {CIPHER}"
        )
    for part in ("passphrase", "recovery"):
        wrap = document.get(part)
        if not isinstance(wrap, dict) or not isinstance(wrap.get("key"), str):
            raise BadKeyDocument(f"{part}: the wrapped key is missing")
        _kdf_of(wrap.get("kdf"))


def _wrap(data_key: bytes, secret: bytes) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = {**_default_kdf(), "salt": _b64(_random_bytes(SALT_BYTES))}
    nonce = _random_bytes(NONCE_BYTES)
    sealed = AESGCM(_derive(secret, kdf)).encrypt(nonce, data_key, KEY_AD)
    return {"kdf": kdf, "key": _b64(nonce + sealed)}


def _unwrap(wrap: dict[str, Any], secret: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        blob = _unb64(wrap["key"].encode("ascii"))
    except (SealError, UnicodeError):
        raise BadKeyDocument("the wrapped key is not base64") from None
    kek = _derive(secret, _kdf_of(wrap["kdf"]))
    try:
        data_key = AESGCM(kek).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], KEY_AD)
    except (InvalidTag, ValueError):
        raise WrongSecret() from None
    if len(data_key) != KEY_BYTES:
        raise BadKeyDocument("the data key has the wrong length")
    return data_key


def _default_kdf() -> dict[str, Any]:
    """Argon2id when this OpenSSL has it (cryptography needs OpenSSL 3.2), else scrypt."""
    from cryptography.exceptions import UnsupportedAlgorithm

    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        Argon2id(salt=b"\0" * SALT_BYTES, length=KEY_BYTES, iterations=1, lanes=1, memory_cost=8)
    except (ImportError, UnsupportedAlgorithm):
        return dict(SCRYPT)
    return dict(ARGON2ID)


def _kdf_of(kdf: Any) -> dict[str, Any]:
    """The KDF parameters of a wrap, checked to be known and in bounds."""

    def whole(name: str, low: int, high: int) -> None:
        value = kdf.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise BadKeyDocument(f"kdf {name}: {value!r} is not a whole number {low} to {high}")

    if not isinstance(kdf, dict) or not isinstance(kdf.get("salt"), str):
        raise BadKeyDocument("the key-derivation parameters are missing")
    try:
        salt = _unb64(kdf["salt"].encode("ascii"))
    except (SealError, UnicodeError):
        salt = b""
    if len(salt) < 8:
        raise BadKeyDocument("kdf salt: not 8 or more bytes of base64")
    if kdf.get("name") == "argon2id":
        whole("lanes", 1, _MAX_LANES)
        whole("memory_kib", 8 * kdf["lanes"], _MAX_MEMORY_KIB)
        whole("iterations", 1, _MAX_ITERATIONS)
    elif kdf.get("name") == "scrypt":
        whole("n", 2, _MAX_SCRYPT_N)
        whole("r", 1, 32)
        whole("p", 1, 16)
        if kdf["n"] & (kdf["n"] - 1):
            raise BadKeyDocument("kdf n: not a power of two")
    else:
        raise BadKeyDocument(f"kdf {kdf.get('name')!r}: this exback knows argon2id and scrypt")
    return kdf


def _derive(secret: bytes, kdf: dict[str, Any]) -> bytes:
    salt = _unb64(kdf["salt"].encode("ascii"))
    if kdf["name"] == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        return Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=kdf["iterations"],
            lanes=kdf["lanes"],
            memory_cost=kdf["memory_kib"],
        ).derive(secret)
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=KEY_BYTES, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(secret)


# --- sealed records ---------------------------------------------------------------------------


class Sealer:
    """Seals and opens records under one data key (AES-256-GCM, a fresh nonce each time)."""

    def __init__(self, data_key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(data_key)

    def seal_file(self, data: bytes) -> bytes:
        """A whole file's bytes as one sealed record (ending in a newline)."""
        return self._seal(data, FILE_AD) + b"\n"

    def open_file(self, raw: bytes) -> bytes:
        """A whole sealed file's bytes; SealError when it does not open."""
        return self._open(raw.removesuffix(b"\n"), FILE_AD)

    def seal_line(self, line: bytes) -> bytes:
        """One journal line (without its newline) as a sealed line (without one)."""
        return self._seal(line, LINE_AD)

    def open_line(self, sealed: bytes) -> bytes:
        """One sealed journal line (without its newline); SealError when it does not open."""
        return self._open(sealed, LINE_AD)

    def key_check(self) -> str:
        """A sealed empty record: proves later that a key from elsewhere is this key."""
        return self._seal(b"", CHECK_AD).decode("ascii")

    def matches(self, check: str) -> bool:
        """Whether `key_check` was made with this key."""
        try:
            return self._open(check.encode("ascii", "replace"), CHECK_AD) == b""
        except SealError:
            return False

    def _seal(self, data: bytes, ad: bytes) -> bytes:
        nonce = _random_bytes(NONCE_BYTES)
        return PREFIX + _b64(nonce + self._aead.encrypt(nonce, data, ad)).encode("ascii")

    def _open(self, sealed: bytes, ad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        if not is_sealed(sealed):
            raise SealError("not a sealed record")
        blob = _unb64(sealed[len(PREFIX) :])
        if len(blob) < NONCE_BYTES + 16:
            raise SealError("too short to be a sealed record")
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ad)
        except InvalidTag:
            raise SealError(
                "did not pass its authentication check (changed or damaged since it was written)"
            ) from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: bytes) -> bytes:
    """Strict base64: only the canonical spelling of the bytes is accepted.

    Python's decoder ignores the unused low bits of the last character, so two
    spellings can give the same bytes; comparing with the re-encoding makes every
    changed character an error.
    """
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SealError("not valid base64") from None
    if base64.b64encode(data) != text:
        raise SealError("not valid base64")
    return data
