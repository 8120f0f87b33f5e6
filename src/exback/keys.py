"""The key document on disk (encryption.json), converting a data dir, encrypted exports.

What the bytes look like is crypto.py (pure); this module reads and writes them.
Every step is crash-safe on its own: the key document and each data file are
replaced atomically, and a data dir in the middle of a conversion reads fine
(a plain file or line passes as it is, a sealed one is opened), so an interrupted
`encrypt`, `decrypt` or `passphrase` leaves the old or the new state of every
file, and running the command again finishes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exback import memo
from exback.crypto import (
    BadKeyDocument,
    Sealer,
    SealError,
    document_bytes,
    is_sealed,
    parse_document,
)
from exback.errors import DataCorruptError, StorageError
from exback.safefile import MiB, UnsafeFileError
from exback.safefile import read_bytes as read_checked
from exback.storage import (
    JOURNAL,
    JOURNAL_LIMIT,
    KEYS,
    KEYS_LIMIT,
    LOCK,
    PROGRESS,
    PROGRESS_LIMIT,
    TEMP_SUFFIX,
    Store,
    fsync_dir,
    is_line_file,
    write_file_atomic,
)

EXPORT_FORMAT = "exback-encrypted-export"
EXPORT_VERSION = 1
LIVE = (PROGRESS, JOURNAL)  # the files commands read; converted last


def read_document(store: Store) -> dict[str, Any]:
    """encryption.json's document; exit 3 naming it when it is damaged or not exback's."""
    path = store.keys_path
    try:
        raw = read_checked(path, KEYS_LIMIT)
    except UnsafeFileError as exc:
        raise _bad(path, exc.reason) from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return parse_document(raw)
    except BadKeyDocument as exc:
        raise _bad(path, f"not a key document this exback can read ({exc})") from None


def write_document(store: Store, document: dict[str, Any]) -> None:
    """Replace encryption.json atomically. No `.bak`: an old passphrase's wrap is not kept."""
    store.ensure_dir()
    write_file_atomic(store.keys_path, document_bytes(document))


def remove_document(store: Store) -> None:
    """Delete encryption.json (the last step of `decrypt`), durably."""
    try:
        store.keys_path.unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot delete {store.keys_path}: {exc.strerror or exc}") from None
    fsync_dir(store.root)


def data_files(store: Store) -> list[Path]:
    """Every file in the data dir that holds your data, copies and kept pieces included.

    All but the key document, the lock and exback's own temp files. Live files come
    last, so an interruption converts copies before the files commands read.
    """
    if not store.root.is_dir():
        return []
    found = []
    for path in store.root.iterdir():
        name = path.name
        if name in (KEYS, LOCK, memo.NAME) or name.endswith(TEMP_SUFFIX):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return sorted(found, key=lambda p: (p.name in LIVE, p.name))


def convert(store: Store, target: Sealer | None) -> list[str]:
    """Seal every data file with `target` (None: make it plain); the names it changed.

    A file already in the target form is left alone. A live file that does not open
    is exit 3 naming it (files converted before it stay converted, and read fine);
    a copy that cannot be opened holds no plain text and is left as it is, as is a
    torn last piece of a sealed line.
    """
    store.check_pending()
    if target is not None:  # what status last showed, kept in plain text: gone
        memo.forget(store.root)
    changed = []
    for path in data_files(store):
        raw = _read(path)
        try:
            new = _converted(store, path, raw, target)
        except DataCorruptError:
            if path.name in LIVE:
                raise
            continue
        if new != raw:
            write_file_atomic(path, new)
            changed.append(path.name)
    return changed


def plain_files(store: Store) -> list[str]:
    """Data files holding plain text (a whole file, or a journal line) while encryption is on."""
    found = []
    for path in data_files(store):
        try:
            raw = _read(path)
        except (StorageError, DataCorruptError):
            continue
        if any(piece and not is_sealed(piece) for piece in _pieces(path, raw)):
            found.append(path.name)
    return found


def _pieces(path: Path, raw: bytes) -> list[bytes]:
    """A file's records: its lines for the journal (the last may be torn), else the whole."""
    return raw.split(b"\n") if is_line_file(path) else [raw]


def _converted(store: Store, path: Path, raw: bytes, target: Sealer | None) -> bytes:
    """The file's bytes with every record in the target form (unchanged ones as they are)."""
    if not is_line_file(path):
        if is_sealed(raw) == (target is not None):
            return raw
        plain = store.unseal(path, raw)
        return plain if target is None else target.seal_file(plain)
    pieces = raw.split(b"\n")
    out = []
    for number, piece in enumerate(pieces, 1):
        if not piece or is_sealed(piece) == (target is not None):
            out.append(piece)
            continue
        try:
            plain = store.open_line(path, number, piece)
        except DataCorruptError:
            if number == len(pieces):  # a torn end of a sealed line: no plain text in it
                out.append(piece)
                continue
            raise
        out.append(plain if target is None else target.seal_line(plain))
    return b"\n".join(out)


def _read(path: Path) -> bytes:
    try:
        return read_checked(path, max(PROGRESS_LIMIT, JOURNAL_LIMIT) + MiB)
    except UnsafeFileError as exc:
        raise _bad(path, exc.reason) from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from None


# --- the system keyring (optional: `pip install exback[keyring]`) -----------------------

KEYRING_SERVICE = "exback"


def keyring_available() -> bool:
    """Whether the optional `keyring` package is installed."""
    import importlib.util

    return importlib.util.find_spec("keyring") is not None


def _keyring_entry(store: Store) -> str:
    return str(store.root.resolve())


def remember_key(store: Store, data_key: bytes) -> None:
    """Keep the data key in the system keyring, under the data dir's path."""
    import base64

    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(
            KEYRING_SERVICE, _keyring_entry(store), base64.b64encode(data_key).decode("ascii")
        )
    except KeyringError as exc:
        raise StorageError(f"the system keyring refused the key: {exc}") from None


def recall_key(store: Store) -> bytes | None:
    """The data key kept in the system keyring, or None (not there, no keyring)."""
    import base64
    import binascii

    if not keyring_available():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        kept = keyring.get_password(KEYRING_SERVICE, _keyring_entry(store))
        return base64.b64decode(kept, validate=True) if kept else None
    except (KeyringError, binascii.Error, ValueError):
        return None


def forget_key(store: Store) -> None:
    """Remove the data key from the system keyring, if it is there."""
    if not keyring_available():
        return
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, _keyring_entry(store))
    except PasswordDeleteError:
        pass  # not there: nothing to remove
    except KeyringError as exc:
        raise StorageError(f"the system keyring did not remove the key: {exc}") from None


# --- encrypted exports --------------------------------------------------------------------


def seal_export(store: Store, text: str) -> str:
    """An export's text, sealed under the data key, with the key document to open it.

    The document travels with it, so the export opens anywhere with the passphrase
    (or recovery code) that was current when it was written.
    """
    sealer = store.sealer()
    assert sealer is not None
    sealed = sealer.seal_file(text.encode("utf-8")).decode("ascii").strip()
    return (
        json.dumps(
            {
                "format": EXPORT_FORMAT,
                "version": EXPORT_VERSION,
                "keys": read_document(store),
                "data": sealed,
            },
            indent=2,
        )
        + "\n"
    )


def seal_backups(store: Store) -> list[str]:
    """Encrypt the plain backups `exback reset` left next to the data dir; their names.

    Only files named `<data-dir>-backup-*.json` that are plain exback exports; each
    is replaced atomically by an encrypted export of the same text.
    """
    root = store.root.resolve()
    changed = []
    for path in sorted(root.parent.glob(f"{root.name}-backup-*.json")):
        try:
            raw = read_checked(path, PROGRESS_LIMIT + JOURNAL_LIMIT)
            data = json.loads(raw)
        except (OSError, UnsafeFileError, ValueError, RecursionError):
            continue  # not a file exback wrote: left alone
        if isinstance(data, dict) and "exback_export" in data:
            write_file_atomic(path, seal_export(store, raw.decode("utf-8")).encode("ascii"))
            changed.append(path.name)
    return changed


def is_sealed_export(data: Any) -> bool:
    """Whether decoded JSON is an encrypted export (rather than a plain one)."""
    return isinstance(data, dict) and data.get("format") == EXPORT_FORMAT


def open_export(name: str, data: dict[str, Any], sealer: Sealer) -> bytes:
    """The plain export inside an encrypted one; exit 3 naming the file if it does not open."""
    sealed = data.get("data")
    if data.get("version") != EXPORT_VERSION or not isinstance(sealed, str):
        raise _bad(Path(name), "not an encrypted export this exback can read")
    try:
        return sealer.open_file(sealed.encode("ascii", "replace"))
    except SealError as exc:
        raise _bad(Path(name), str(exc)) from None


def _bad(path: Path, reason: str) -> DataCorruptError:
    error = DataCorruptError(f"{path} {reason}; nothing was changed")
    error.detail = reason
    return error
