"""Encryption at rest: `exback encrypt`, `decrypt`, `passphrase`, and opening the data key.

- `unlock(store, passphrase_file, ask)`: the data key of an encrypted data dir, from
  --passphrase-file / EXBACK_PASSPHRASE_FILE, else asked once at a terminal (three
  tries); a wrong passphrase is exit 5 and nothing is changed.
- `encrypt`: the warning first, the passphrase twice, a one-time recovery code typed
  back in part, then the key document and every data file, each replaced atomically.
- `decrypt`: every file back to plain text, then the key document removed.
- `change_passphrase`: the same data key under a new passphrase (only encryption.json
  changes); with `recover`, opened by the recovery code instead of the old passphrase.

The format and its primitives are crypto.py; the files, keys.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exback import crypto, keys
from exback.errors import NotInteractiveError, UsageError, WrongPassphraseError

if TYPE_CHECKING:
    from exback.prompts import Prompter
    from exback.storage import Store

PASSPHRASE_ENV = "EXBACK_PASSPHRASE_FILE"
MIN_PASSPHRASE = 8
TRIES = 3
PASSPHRASE_LIMIT = 4096
WARNING = (
    "Before you choose a passphrase: exback cannot open your data without it. If you "
    "forget it and have lost the recovery code shown next, your answers, notes and "
    "plan are gone for good; nobody, not even exback's authors, can bring them back."
)
SAY_RECOVERY = (
    "Your recovery code (shown once; write it down and keep it apart from this computer):"
)


def read_secret_file(path: Path, what: str) -> str:
    """A passphrase (or recovery code) from the first line of a file; exit 2 if unusable."""
    from exback.safefile import UnsafeFileError, read_bytes

    try:
        raw = read_bytes(path, PASSPHRASE_LIMIT, follow=True)
    except UnsafeFileError as exc:
        raise UsageError(f"{what} {path} {exc.reason}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{what} {path} is not UTF-8 text") from None
    line = text.split("\n", 1)[0].removesuffix("\r")
    if not line:
        raise UsageError(f"{what} {path} is empty; its first line is the secret")
    return line


@dataclass
class Secrets:
    """Where this run's passphrase (or code) comes from: a file, or the person at a terminal."""

    passphrase_file: Path | None = None
    ask: Prompter | None = None
    flag: str = "--passphrase-file"
    """The option that names the file, for messages."""

    def passphrase(self, message: str) -> str:
        if self.passphrase_file is not None:
            return read_secret_file(self.passphrase_file, self.flag)
        return self.prompter().secret(message)

    def open(
        self, message: str, opener: Callable[[str], crypto.Unlocked], failed: str
    ) -> crypto.Unlocked:
        """`opener(secret)`, with three tries at a terminal (one from a file); else exit 5."""
        tries = 1 if self.passphrase_file is not None else TRIES
        for attempt in range(1, tries + 1):
            try:
                return opener(self.passphrase(message))
            except crypto.WrongSecret:
                if attempt < tries:
                    self.prompter().note("That does not open it; try again.")
        raise WrongPassphraseError(f"{failed}; nothing was changed")

    def prompter(self) -> Prompter:
        if self.ask is None:
            raise NotInteractiveError(
                "your data is encrypted and there is no terminal to ask for the passphrase; "
                f"pass --passphrase-file FILE (or set {PASSPHRASE_ENV}). Nothing was changed"
            )
        return self.ask


def unlock(store: Store, given: Secrets) -> crypto.Sealer:
    """The sealer of an encrypted data dir; exit 5 when the passphrase does not open it.

    When the person asked for it (`passphrase --remember`), the key kept in the
    system keyring is used first, if it is still this data dir's key.
    """
    document = keys.read_document(store)
    kept = document.get("keyring")
    if isinstance(kept, dict) and isinstance(kept.get("check"), str):
        key = keys.recall_key(store)
        if key is not None and len(key) == crypto.KEY_BYTES:
            sealer = crypto.Sealer(key)
            if sealer.matches(kept["check"]):
                return sealer
    return crypto.Sealer(open_document(store.root, document, given).data_key)


def open_document(where: Path, document: dict[str, object], given: Secrets) -> crypto.Unlocked:
    """Open a key document with the passphrase; exit 5 when it does not."""
    return given.open(
        f"Passphrase for {where}:",
        lambda passphrase: crypto.unlock(document, passphrase),
        f"the passphrase does not open {where}. Forgotten it? 'exback passphrase --recover' "
        "sets a new one with your recovery code",
    )


# --- encrypt ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    """What a conversion changed: the files rewritten (and whether it was already done)."""

    root: Path
    files: list[str]
    already: bool = False


def encrypt(
    store: Store,
    given: Secrets,
    warn: Callable[[str], None],
    show_code: Callable[[str], None],
) -> Converted:
    """Turn encryption on (or finish an interrupted `encrypt`)."""
    store.check_root()
    store.check_pending()
    if store.encrypted():
        with store.lock():
            changed = keys.convert(store, store.sealer()) + keys.seal_backups(store)
            return Converted(store.root, changed, already=True)
    warn(WARNING)
    passphrase = _new_passphrase(given)
    code = crypto.new_recovery_code()
    show_code(code)
    if given.ask is not None:
        _type_back(given.ask, code)
    unlocked = crypto.new_key_document(passphrase, code)
    sealer = crypto.Sealer(unlocked.data_key)
    with store.lock():
        keys.write_document(store, unlocked.document)
        store.use_sealer(sealer)
        return Converted(store.root, keys.convert(store, sealer) + keys.seal_backups(store))


def _new_passphrase(given: Secrets) -> str:
    """A new passphrase: from the file, or typed twice (asked again until they match)."""
    if given.passphrase_file is not None:
        passphrase = read_secret_file(given.passphrase_file, given.flag)
        if len(passphrase) < MIN_PASSPHRASE:
            raise UsageError(
                f"the passphrase is shorter than {MIN_PASSPHRASE} characters; choose a longer "
                "one (a few words are easier to remember than a jumble). Nothing was changed"
            )
        return passphrase
    ask = given.prompter()
    while True:
        first = ask.secret(f"New passphrase (at least {MIN_PASSPHRASE} characters):")
        if len(first) < MIN_PASSPHRASE:
            ask.note(
                f"That is shorter than {MIN_PASSPHRASE} characters; a few words are easier "
                "to remember than a jumble."
            )
            continue
        if ask.secret("The same passphrase again:") == first:
            return first
        ask.note("The two did not match; once more.")


def _type_back(ask: Prompter, code: str) -> None:
    """The person types the last two groups of the code back, so it is surely written down."""
    groups = code.split("-")
    wanted = "".join(groups[-2:])
    while True:
        typed = ask.text("Type the last two groups of the recovery code (8 characters):")
        if crypto.normal_recovery_code(typed) == wanted.encode("ascii"):
            return
        ask.note(f"That does not match. The code again: {code}")


# --- decrypt and passphrase --------------------------------------------------------------


def decrypt(store: Store) -> Converted:
    """Turn encryption off: every file back to plain text, then the key document removed."""
    store.check_root()
    store.check_pending()
    if not store.encrypted():
        return Converted(store.root, [], already=True)
    store.sealer()  # asks for the passphrase first: a wrong one is exit 5, nothing changed
    kept = keyring_in_use(store)
    with store.lock():
        changed = keys.convert(store, None)
        if kept:
            keys.forget_key(store)
        keys.remove_document(store)
        store.use_sealer(None)
    return Converted(store.root, changed)


def change_passphrase(store: Store, given: Secrets, new: Secrets, recover: bool) -> Path:
    """Wrap the data key under a new passphrase; only encryption.json changes."""
    _need_encryption(store)
    document = keys.read_document(store)
    if recover:
        unlocked = given.open(
            "Your recovery code:",
            lambda code: crypto.unlock_with_recovery(document, code),
            f"the recovery code does not open {store.root}",
        )
    else:
        unlocked = open_document(store.root, document, given)
    passphrase = _new_passphrase(new)
    with store.lock(open_key=False):  # opened above, by the passphrase or the code
        keys.write_document(store, crypto.rewrap(unlocked, passphrase))
    return store.keys_path


def remember(store: Store, given: Secrets) -> None:
    """Keep the data key in the system keyring (asked for: `passphrase --remember`)."""
    _need_encryption(store)
    if not keys.keyring_available():
        raise UsageError(
            "the keyring package is not installed: pip install 'exback[keyring]' "
            "(nothing was changed)"
        )
    document = keys.read_document(store)
    unlocked = open_document(store.root, document, given)
    sealer = crypto.Sealer(unlocked.data_key)
    with store.lock(open_key=False):  # opened above
        keys.remember_key(store, unlocked.data_key)
        keys.write_document(store, {**document, "keyring": {"check": sealer.key_check()}})


def forget(store: Store) -> None:
    """Remove the data key from the system keyring; from now on the passphrase is asked."""
    _need_encryption(store)
    document = keys.read_document(store)
    with store.lock(open_key=False):  # forgetting needs no passphrase
        keys.forget_key(store)
        document.pop("keyring", None)
        keys.write_document(store, document)


def keyring_in_use(store: Store) -> bool:
    """Whether the person asked for the key to be kept in the system keyring."""
    from exback.errors import ExbackError

    try:
        return store.encrypted() and "keyring" in keys.read_document(store)
    except ExbackError:  # a damaged encryption.json: doctor says so
        return False


def _need_encryption(store: Store) -> None:
    store.check_root()
    if not store.encrypted():
        raise UsageError(
            f"{store.root} is not encrypted, so it has no passphrase; 'exback encrypt' turns "
            "encryption on"
        )


def sealed_export(store: Store, plain: bool, markdown: bool) -> bool:
    """Whether an export is sealed: yes when encryption is on, unless --plain.

    A Markdown report is for reading, so it cannot be sealed: exit 2 naming --plain.
    """
    if not store.encrypted() or plain:
        return False
    if markdown:
        raise UsageError(
            "your data is encrypted and a Markdown report is plain text; pass --plain to "
            "write it anyway (anyone with the file can read it)"
        )
    return True


def open_sealed_export(store: Store, given: Secrets, name: str, data: dict[str, object]) -> bytes:
    """The plain export inside an encrypted one, opened with the passphrase of its time.

    When it was written under this data dir's key (same document), no second
    passphrase is asked.
    """
    document = data.get("keys")
    try:
        crypto.check_document(document)
    except crypto.BadKeyDocument as exc:
        raise UsageError(f"{name}: an encrypted export whose key cannot be read ({exc})") from None
    assert isinstance(document, dict)
    if store.encrypted() and keys.read_document(store) == document:
        sealer = store.sealer()
        assert sealer is not None
    else:
        sealer = crypto.Sealer(open_document(Path(name), document, given).data_key)
    return keys.open_export(name, data, sealer)
