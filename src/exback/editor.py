"""Writing a note in the person's own editor ($VISUAL, else $EDITOR).

The text goes to a file only its owner can read (0600) in a folder only its owner
can open (0700), made fresh for this one edit; the folder, with anything the
editor left beside the file (a swap file), is removed as soon as the editor
exits, whatever happened. While the data is encrypted (`private`), that folder is
made on a memory file system (/dev/shm) where there is one, so the text never
reaches the disk through exback. Editors may still keep copies elsewhere (backup,
undo or history folders); the README says so.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from exback.errors import ExbackError, UsageError

FILE_MODE = 0o600
MEMORY_DIRS = ("/dev/shm", "/run/shm")  # memory file systems, where the editor's copy may go


def memory_dir() -> str | None:
    """A memory file system this user may write to; None if there is none."""
    return next((d for d in MEMORY_DIRS if os.access(d, os.W_OK | os.X_OK)), None)


def editor_command(env: Mapping[str, str]) -> list[str] | None:
    """The editor the person chose ($VISUAL, else $EDITOR), split as a shell would; None if none."""
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                return shlex.split(value)
            except ValueError:
                raise UsageError(f"${name} ({value!r}) is not a command a shell can read") from None
    return None


def edit_text(command: list[str], text: str, private: bool = False) -> str:
    """Open `text` in the editor and return what it holds when the editor exits.

    With `private` (encryption on) the file is on a memory file system when there is one.

    A final newline (which most editors add) is taken off. Exit 1 if the editor
    fails; 2 if it cannot be started or leaves text that is not UTF-8.
    """
    folder = Path(tempfile.mkdtemp(prefix="exback-", dir=memory_dir() if private else None))
    try:
        path = folder / "note.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)  # whatever the umask
            handle.write(text + "\n" if text else "")
        try:
            editor = subprocess.Popen([*command, str(path)])
        except OSError as exc:
            raise UsageError(
                f"cannot start the editor {command[0]!r} ({exc.strerror}); "
                "set $VISUAL or $EDITOR to one that is installed. Nothing was saved"
            ) from None
        code = _wait(editor)
        if code != 0:
            raise ExbackError(
                f"the editor {command[0]!r} stopped with exit code {code}; nothing was saved"
            )
        try:
            return path.read_bytes().decode("utf-8").rstrip("\n")
        except UnicodeDecodeError:
            raise UsageError("the editor saved text that is not UTF-8; nothing was saved") from None
        except FileNotFoundError:
            raise UsageError("the editor removed the file; nothing was saved") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait(editor: subprocess.Popen[bytes]) -> int:
    """The editor's exit code. Ctrl-C at the terminal reaches the editor too, which
    decides what it means (vim: leave insert mode); exback keeps waiting, as git does."""
    while True:
        try:
            return editor.wait()
        except KeyboardInterrupt:
            continue
