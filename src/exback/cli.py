"""The exback command line: parse, call, render; no business logic here.

How a command runs:
1. `main()` calls the Typer app; the root callback reads the global options
   (--data-dir, --content-dir, --no-color, --debug, --lock-timeout) into a `Session`.
2. The command parses its options and calls one use case in `commands/` (or the
   walk, `commands.walk.Walk`), handing it what it needs through the Session: the store,
   the program (lazily, from the cache), the moment, and a `Prompter` when it may
   ask. Commands that do not prompt never import questionary.
3. The use case owns the change: `with store.update(now) as progress:` (or the
   journal's append), all under the lock, written atomically.
4. The result is drawn by `render.py` to stdout, or printed as JSON with --json;
   messages go to stderr. See docs/architecture.md for the layers.
5. Every ExbackError is caught in one place, `_Group.invoke`: its message goes to
   stderr and its exit code is returned. A traceback only with --debug.
6. A reader that stops early (`exback journal list | head -1`) is not an error:
   `_pipe_closed` stops quietly with exit 141, whenever the pipe breaks, the
   final flush of stdout included (`main`).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from exback import errors

if TYPE_CHECKING:
    from collections.abc import Iterable

    from exback.commands.encryption import Secrets
    from exback.crypto import Sealer
    from exback.models import Program
    from exback.nocontact import EventKind
    from exback.phrases import Matcher
    from exback.prompts import Prompter
    from exback.storage import Store
    from exback.ui import UI


@dataclass
class Session:
    """What every command shares: options, the store, the program, the consoles."""

    data_dir: Path | None = None
    content_dir: Path | None = None
    no_color: bool = False
    debug: bool = False
    lock_timeout: float = 10.0
    passphrase_file: Path | None = None
    said_where: bool = False
    """Whether the person has been told where their data lives, in this run."""
    _program: Program | None = field(default=None, repr=False)
    _ui: UI | None = field(default=None, repr=False)
    _sealers: dict[Path, Sealer] = field(default_factory=dict, repr=False)
    """Data keys opened in this run: the passphrase is asked once per run."""

    @property
    def store(self) -> Store:
        from exback import paths
        from exback.storage import Store

        root = paths.data_dir(self.data_dir)
        sealer = self._sealers.get(root)
        return Store(root, self.lock_timeout, self.tell_where, self.unlock, sealer)

    def unlock(self, store: Store) -> Sealer:
        """Open an encrypted data dir's key: from --passphrase-file, else asked once."""
        from exback.commands.encryption import unlock

        sealer = unlock(store, self.secrets())
        self._sealers[store.root] = sealer
        return sealer

    def secrets(self, flag: str = "--passphrase-file", file: Path | None = None) -> Secrets:
        """Where a secret comes from: the file given for `flag`, or the terminal."""
        from exback.commands.encryption import Secrets

        ask = self.prompter("interrupted; nothing was changed") if stdin_is_terminal() else None
        if flag == "--passphrase-file":
            file = self.passphrase_file
        return Secrets(file, ask, flag)

    def tell_where(self, root: Path) -> None:
        """The first command to make the data dir says, once, where it is."""
        if not self.said_where:
            self.said_where = True
            self.ui.say_where_data_lives(root)

    @property
    def content_path(self) -> Path:
        from exback import paths

        return paths.content_dir(self.content_dir)

    def program(self) -> Program:
        if self._program is None:
            from exback import paths, program_cache

            self._program = program_cache.load_program(self.content_path, paths.cache_dir())
        return self._program

    def cached_care_matcher(self) -> Matcher | None:
        """The program cache's care phrases, compiled, without pydantic (None: not cached)."""
        from exback import paths, program_cache

        return program_cache.cached_care_matcher(self.content_path, paths.cache_dir())

    def prompter(self, stop_message: str | None = None) -> Prompter:
        """Prompts on this session's terminal; Ctrl-C there says `stop_message`."""
        from exback.prompts import NOTHING_SAVED, Prompter

        private = self.store.encrypted()  # the editor's copy goes to memory
        return Prompter(self.ui, self.show_help_now, stop_message or NOTHING_SAVED, private)

    def show_help_now(self) -> None:
        """What `exback help-now` prints: the person's plan first, then the help; never fails."""
        from exback import render
        from exback.commands.care import help_now

        render.help_now(self.ui, help_now(self.store, self.content_path))

    @property
    def ui(self) -> UI:
        if self._ui is None:
            from exback.ui import UI

            self._ui = UI(self.no_color)
        return self._ui


def now() -> dt.datetime:
    """The current moment with the local UTC offset, to the second."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def today() -> dt.date:
    """Today's local calendar date."""
    return dt.date.today()


class _Group(TyperGroup):
    """The root group: the one place where errors become messages and exit codes."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:  # the root --help and --version print from here
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            _pipe_closed()

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _pipe_closed()
        except errors.ExbackError as exc:
            if _debug(ctx):
                raise
            _fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            if _debug(ctx):
                raise
            _fail("interrupted; nothing half-written was kept", errors.INTERRUPTED)
        except (typer.TyperException, typer.Exit, typer.Abort, SystemExit):
            raise  # usage errors and exits: click reports them itself (exit 2, 0, 1)
        except Exception as exc:
            if _debug(ctx):
                raise
            _fail(
                f"unexpected error ({type(exc).__name__}: {exc}); this is a bug, "
                "run again with --debug for details",
                errors.ERROR,
            )


def _debug(ctx: typer.Context) -> bool:
    return isinstance(ctx.obj, Session) and ctx.obj.debug


def _fail(message: str, code: int) -> None:
    from exback.text import inert  # messages name paths and quote input: shown inert

    print(f"exback: {inert(message)}", file=sys.stderr, flush=True)
    raise typer.Exit(code)


def _pipe_closed() -> NoReturn:
    """Stop quietly: whoever read our output has stopped reading (`| head -1`).

    Not an error, so no message. What is still buffered goes to /dev/null, so
    that the flush at interpreter exit cannot complain again (the recipe in
    Python's documentation, "Note on SIGPIPE"). Exit 141, as a program killed by
    SIGPIPE would (`set -o pipefail` scripts see the same code as for `cat`).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout already closed or replaced: nothing to silence
        pass
    raise SystemExit(errors.PIPE_CLOSED)


HELP = """\
A private, offline, guided program for the weeks after a breakup.

\b
Examples:
  exback start                      walk through the program, at your pace
  exback help-now                   what to do if you are in danger or crisis
  exback status                     steps, countdown and journal at a glance
  exback journal add "Slept badly, but went for a walk" --mood 4
  echo "a note" | exback journal add --tag evening
  exback journal list --limit 5     your last five notes
  exback journal list --from "last week" --contains sleep
  exback journal tags               your tags and how often you used them
  exback journal stats              notes and mood by week, we/I by month
  exback journal edit 3f9a --mood 6 change a note (no option: in your editor)
  exback journal delete 3f9a        delete a note, after you type delete
  exback journal compact            erase old versions and deleted notes' text
  exback journal import jrnl.json   notes from `jrnl --export json`
  exback nocontact                  the no-contact countdown, a calendar
  exback nocontact start            start it; today is day 1
  exback nocontact urge             an urge you resisted, and a tip
  exback nocontact exception --reason "school run"
  exback nocontact slip             contact that broke it; erases nothing
  exback sos                        when the urge to contact them is strong
  exback letters                    letters you wrote and did not send
  exback letters add                write one; it is held for a day
  exback letters show 1             read one again
  exback checkin --mood 6 --urge 3  a daily check-in
  exback where                      where your data is kept
  exback export --format md -o report.md
  exback restore exback.json        bring back a json export
  exback reset                      delete your data (after a backup)
  exback doctor                     check your data; --repair fixes it
  exback content validate DIR       check a folder of program content
  exback safety-plan                your own plan for hard moments
  exback safety-plan show           print it
  exback encrypt                    encrypt your data with a passphrase
  exback passphrase                 change it (--recover: with the code)
  exback decrypt                    back to plain text

Everything stays on this machine, in the data dir (see `exback where`).
Exit codes: 0 ok, 1 error, 2 bad input, 3 data corrupt or from a newer
exback, 4 data locked by another exback, 5 wrong passphrase, 130
interrupted, 141 the reader of the output stopped early (| head).
"""

app = typer.Typer(
    cls=_Group,
    help=HELP,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
journal_app = typer.Typer(
    help="""Quick notes, kept as one line each in journal.jsonl.

    \b
    Examples:
      exback journal add "Went for a walk instead of texting" --mood 5
      exback journal list --limit 5
      exback journal list --contains sleep --from "last month"
      exback journal edit 3f9a1c07
      exback journal import jrnl.json
    """,
    rich_markup_mode=None,
    no_args_is_help=True,
)
content_app = typer.Typer(
    help="""Check the program content (the YAML step files).

    \b
    Examples:
      exback content validate
      exback content validate ./my-program
    """,
    rich_markup_mode=None,
    no_args_is_help=True,
)
nocontact_app = typer.Typer(  # its help is nocontact_view's docstring
    rich_markup_mode=None,
    invoke_without_command=True,
)
app.add_typer(journal_app, name="journal")
app.add_typer(content_app, name="content")
app.add_typer(nocontact_app, name="nocontact")


def _version(value: bool) -> None:
    if value:
        from exback import __version__

        print(f"exback {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="EXBACK_DATA_DIR",
            help="Where your data is kept [default: your user data dir].",
            show_default=False,
        ),
    ] = None,
    content_dir: Annotated[
        Path | None,
        typer.Option(
            "--content-dir",
            envvar="EXBACK_CONTENT_DIR",
            help="A program content folder to use instead of the built-in one.",
        ),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour (also for NO_COLOR and TERM=dumb).")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout",
            min=0,
            max=3600,
            help="Seconds to wait for another exback before giving up (exit 4).",
        ),
    ] = 10.0,
    passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--passphrase-file",
            envvar="EXBACK_PASSPHRASE_FILE",
            metavar="FILE",
            help="Read the passphrase of encrypted data from FILE's first line.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """A private, offline, guided program for the weeks after a breakup."""
    ctx.obj = Session(data_dir, content_dir, no_color, debug, lock_timeout, passphrase_file)


def _session(ctx: typer.Context) -> Session:
    obj = ctx.find_root().obj
    assert isinstance(obj, Session)
    return obj


def _print_json(data: Any) -> None:
    sys.stdout.write(_json_text(data))


def _json_text(data: Any) -> str:
    from exback.text import json_inert

    return json_inert(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _drawn(session: Session, draw: Callable[[], None]) -> str:
    """What `draw()` prints on the output console, as text (with its colour codes)."""
    with session.ui.out.capture() as captured:
        draw()
    return captured.get()


def _remembered(
    session: Session, words: list[str], draw: Callable[[], tuple[str, dt.datetime | None]]
) -> None:
    """Print `draw()`'s text, or the same text kept from an earlier run (memo.py).

    `draw` gives its text and the moment it stops being true, if before the day ends.
    It is kept only when nothing it depends on changed while it was drawn.
    """
    from exback import memo, paths, program_cache

    root = paths.data_dir(session.data_dir)

    def key() -> str | None:
        program = program_cache.key(session.content_path)
        return memo.key(root, program, words, today(), session.no_color)

    before = key()
    text = memo.recall(root, before, now()) if before else None
    if text is None:
        text, until = draw()
        if before and key() == before:
            memo.keep(root, before, text, until)
    sys.stdout.write(text)


# --- journal ----------------------------------------------------------------------


@journal_app.command("add")
def journal_add(
    ctx: typer.Context,
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEXT]",
            help="The note. Without it, read from stdin, or asked for.",
            show_default=False,
        ),
    ] = None,
    mood: Annotated[
        int | None, typer.Option("--mood", min=1, max=10, help="How you feel, 1 (low) to 10.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")] = None,
    prompt: Annotated[
        bool,
        typer.Option("--prompt", help="Start from today's writing prompt (saved with the note)."),
    ] = False,
) -> None:
    """Add a note to your journal.

    \b
    Examples:
      exback journal add "Wanted to text them; went for a run instead" --mood 5
      echo "a note" | exback journal add --tag evening
      exback journal add            (opens $VISUAL or $EDITOR, else asks)
      exback journal add --prompt   (today's writing prompt, then your note)

    Note: text given as an argument is saved in your shell's history too;
    pipe it in or let exback ask if that matters to you.
    """
    from exback.commands import journal
    from exback.text import local_time

    session = _session(ctx)
    asked = None
    if prompt:
        if text is not None or not stdin_is_terminal():
            raise errors.UsageError(
                "--prompt shows a prompt, then asks for your note at the terminal; "
                "leave out the text (and run it at a terminal)"
            )
        asked = journal.writing_prompt(session.content_path, today())
        text = session.prompter().text(asked)
    if text is None:
        compose = _editor(session, required=False) if stdin_is_terminal() else None
        text = compose("") if compose else _read_text_input(session, "Your note:")
    added = journal.add(session.store, text, mood, tag or [], now(), asked)
    if added.notice:
        session.ui.say(f"exback: {added.notice}")
    session.ui.say(f"Saved to your journal ({local_time(added.entry.created_at)}).")
    _gentle_line_if(session, [text], mood == 1)


def _read_text_input(session: Session, prompt: str) -> str:
    """Text from stdin when it is piped, else from a prompt."""
    from exback.commands.inputs import read_piped_text

    if stdin_is_terminal():
        return session.prompter().text(prompt)
    return read_piped_text(sys.stdin.buffer)


@journal_app.command("list")
def journal_list(
    ctx: typer.Context,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most N entries.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="Only entries on or after DATE."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Only entries on or before DATE.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="Only entries of DATE.")
    ] = None,
    contains: Annotated[
        str | None,
        typer.Option("--contains", metavar="TEXT", help="Only entries with TEXT (any case)."),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Only entries with this tag; repeat: all of them."),
    ] = None,
    not_tag: Annotated[
        list[str] | None, typer.Option("--not-tag", help="Leave out entries with this tag.")
    ] = None,
    starred: Annotated[bool, typer.Option("--starred", help="Only starred entries.")] = False,
    mood_below: Annotated[
        int | None,
        typer.Option("--mood-below", min=2, max=10, metavar="N", help="Only moods below N."),
    ] = None,
    mood_above: Annotated[
        int | None,
        typer.Option("--mood-above", min=1, max=9, metavar="N", help="Only moods above N."),
    ] = None,
    on_this_day: Annotated[
        bool,
        typer.Option(
            "--on-this-day",
            help="What you wrote 1 to 3 weeks ago, and on this date in earlier months and years.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List journal entries, newest first, each with its id.

    \b
    Examples:
      exback journal list --limit 5
      exback journal list --from "last week" --tag work
      exback journal list --on 2026-03-01
      exback journal list --contains sleep --mood-below 5
      exback journal list --on-this-day
      exback journal list --json

    DATE is YYYY-MM-DD, today, yesterday, N days ago, this week, last week, this
    month, last month, this year or last year (as --from: its first day; as
    --to: its last). Every filter given must match.
    """
    from exback import render
    from exback.commands import journal
    from exback.journal_find import make_query

    session = _session(ctx)
    query = make_query(
        today(),
        since=since,
        until=until,
        on=on,
        contains=contains,
        tags=tag or [],
        not_tags=not_tag or [],
        starred=starred,
        mood_below=mood_below,
        mood_above=mood_above,
        on_this_day=on_this_day,
    )
    listed = journal.entries(session.store, query, limit)
    if listed.notice:
        session.ui.say(f"exback: {listed.notice}")
    if as_json:
        _print_json(listed.to_json())
    else:
        render.journal_entries(session.ui, listed)


@journal_app.command("tags")
def journal_tags(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Your tags, each with how many entries carry it.

    \b
    Examples:
      exback journal tags
      exback journal tags --json
    """
    from exback import render
    from exback.commands import journal

    session = _session(ctx)
    found = journal.tags(session.store)
    if found.notice:
        session.ui.say(f"exback: {found.notice}")
    if as_json:
        _print_json(found.to_json())
    else:
        render.journal_tags(session.ui, found)


@journal_app.command("stats")
def journal_stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Entries and mood by week, and "we" against "I" words by month.

    \b
    Examples:
      exback journal stats
      exback journal stats --json

    Plain counts of your notes of the last 12 weeks and 6 months, made on this
    machine and never sent anywhere.
    """
    from exback import render
    from exback.commands import journal

    session = _session(ctx)
    result = journal.stats(session.store, today())
    if result.notice:
        session.ui.say(f"exback: {result.notice}")
    if as_json:
        _print_json(result.to_json())
    else:
        render.journal_stats(session.ui, result)


# --- journal edit, delete, compact (issue 18) --------------------------------------------

EntryId = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="The id journal list shows (4 or more of its first characters will do).",
        show_default=False,
    ),
]


@journal_app.command("edit")
def journal_edit(
    ctx: typer.Context,
    entry_id: EntryId,
    text: Annotated[
        str | None, typer.Option("--text", help="The new text, instead of the editor.")
    ] = None,
    mood: Annotated[
        int | None, typer.Option("--mood", min=1, max=10, help="How you felt, 1 (low) to 10.")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Replace the tags with these; repeat for more."),
    ] = None,
    star: Annotated[
        bool | None, typer.Option("--star/--unstar", help="Star the entry, or take the star off.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help='Move it to DATE, keeping its time ("2026-03-01 21:15").'
        ),
    ] = None,
) -> None:
    """Change an entry: its text in your editor, or with the options.

    \b
    Examples:
      exback journal edit 3f9a1c07            (opens $VISUAL or $EDITOR)
      exback journal edit 3f9a --mood 6 --tag walk
      exback journal edit 3f9a --star
      exback journal edit 3f9a --date yesterday
      exback journal edit 3f9a --text "Went for a long walk instead"

    The change is a new line in journal.jsonl; the old version stays in the file
    until 'exback journal compact'. The editor gets a temporary file only you can
    read, removed when it exits (your editor may keep copies of its own; see the
    README).
    """
    from exback.commands import journal
    from exback.journal import short_id
    from exback.journal_find import parse_moment

    session = _session(ctx)
    changes: dict[str, Any] = {}
    if text is not None:
        changes["text"] = text
    if mood is not None:
        changes["mood"] = mood
    if tag is not None:
        changes["tags"] = tag
    if star is not None:
        changes["starred"] = star
    if date is not None:
        changes["date"] = parse_moment(date, today(), "--date")
    compose = None if changes else _editor(session, required=True)
    result = journal.edit(session.store, entry_id, now(), changes, compose)
    if result.notice:
        session.ui.say(f"exback: {result.notice}")
    if result.after is None:
        session.ui.say(f"Nothing changed in entry {short_id(result.before.id)}.")
        return
    session.ui.say(
        f"Changed the {_what_changed(result.before, result.after)} of entry "
        f"{short_id(result.before.id)}. The old version stays in journal.jsonl until "
        "'exback journal compact'."
    )
    _gentle_line_if(session, [result.after.text], result.after.mood == 1)


def _what_changed(before: Any, after: Any) -> str:
    names = {
        "text": "text",
        "mood": "mood",
        "tags": "tags",
        "starred": "star",
        "created_at": "date",
    }
    changed = [w for name, w in names.items() if getattr(before, name) != getattr(after, name)]
    return " and ".join([", ".join(changed[:-1]), changed[-1]] if len(changed) > 1 else changed)


def _editor(session: Session, required: bool) -> Any:
    """`compose(text)` through $VISUAL/$EDITOR; None when neither is set (exit 2 if `required`).

    While the data is encrypted, the editor's file is on a memory file system (editor.py).
    """
    from exback.editor import edit_text, editor_command

    command = editor_command(os.environ)
    if command is None:
        if required:
            raise errors.UsageError(
                "set $VISUAL or $EDITOR to change the text in your editor, or pass --text, "
                "--mood, --tag, --star, --unstar or --date"
            )
        return None
    private = session.store.encrypted()
    return lambda text: edit_text(command, text, private)


@journal_app.command("delete")
def journal_delete(
    ctx: typer.Context,
    entry_id: EntryId,
    confirm: Annotated[
        str | None,
        typer.Option(
            "--confirm",
            metavar="delete",
            help="Type the word here instead of at the prompt (needed without a terminal).",
        ),
    ] = None,
) -> None:
    """Delete an entry, after you type 'delete'.

    \b
    Examples:
      exback journal delete 3f9a1c07
      exback journal delete 3f9a --confirm delete

    The deletion is a new line in journal.jsonl (without the text); the entry is
    gone from every list, export and count at once. Its text stays in the file
    until 'exback journal compact' (see the README for when it is really erased).
    """
    from exback import render
    from exback.commands import journal
    from exback.commands.archive import CONFIRM_WORD
    from exback.journal import short_id

    if confirm is not None and confirm != CONFIRM_WORD:
        raise errors.UsageError(f"--confirm takes the word '{CONFIRM_WORD}', not {confirm!r}")
    session = _session(ctx)

    def ask(entry: Any) -> None:
        render.journal_entry_to_delete(session.ui, entry)
        if confirm is not None:
            return
        if not stdin_is_terminal():
            raise errors.UsageError(
                f"delete asks you to type '{CONFIRM_WORD}', but there is no terminal; "
                f"pass --confirm {CONFIRM_WORD}. Nothing was deleted"
            )
        asked = session.prompter("interrupted; nothing was deleted")
        if not asked.word(f"Type {CONFIRM_WORD} to delete this entry:", CONFIRM_WORD):
            raise errors.ExbackError(f"you did not type '{CONFIRM_WORD}'; nothing was deleted")

    result = journal.delete(session.store, entry_id, now(), ask)
    if result.notice:
        session.ui.say(f"exback: {result.notice}")
    session.ui.say(
        f"Deleted entry {short_id(result.before.id)}. Its text stays in journal.jsonl until "
        "'exback journal compact'."
    )


@journal_app.command("compact")
def journal_compact(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Erase old versions and deleted notes from journal.jsonl.

    \b
    Examples:
      exback journal compact
      exback journal compact --json

    The new file is written whole, then put in place of the old one in one step;
    the old file is kept as journal.jsonl.bak, with the text you deleted, until
    the next compaction: run compact once more to have it gone from the .bak too.
    """
    from exback import render
    from exback.commands import journal

    session = _session(ctx)
    result = journal.compact(session.store)
    if result.notice:
        session.ui.say(f"exback: {result.notice}")
    if as_json:
        _print_json(result.to_json())
    else:
        render.compacted(session.ui, result)


# --- journal import (issue 9) --------------------------------------------------------


@journal_app.command("import")
def journal_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A jrnl export (jrnl --export json) or exback journal list --json; - for stdin.",
            show_default=False,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import notes from jrnl or another exback; repeats are skipped.

    \b
    Examples:
      jrnl --export json > jrnl.json && exback journal import jrnl.json
      jrnl --export json | exback journal import -
      exback journal import notes.json   (from exback journal list --json)

    Every entry is checked first: a bad one is exit 2 naming the entry and the
    field, and nothing is imported. Importing the same file twice adds nothing.
    """
    from exback import render
    from exback.commands import journal
    from exback.ui import progress

    session = _session(ctx)
    result = journal.import_file(
        session.store, file, lambda total: progress(session.ui, total, "Checking entries")
    )
    if result.notice:
        session.ui.say(f"exback: {result.notice}")
    if as_json:
        _print_json(result.to_json())
    else:
        render.imported(session.ui, result)
    _gentle_line_if(session, (e.text for e in result.entries))


# --- status, where, content --------------------------------------------------------


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    short: Annotated[
        bool,
        typer.Option(
            "--short",
            help="One line for a shell prompt or tmux: day N of M, today's check-in, next step.",
        ),
    ] = False,
) -> None:
    """Show your progress at a glance: steps, countdown, journal.

    \b
    Examples:
      exback status
      exback status --short     day 12 of 30 · checked in today · next: ...
      exback status --json
    """
    session = _session(ctx)

    def draw() -> tuple[str, dt.datetime | None]:
        from exback.commands import status as views

        data = views.status(session.store, session.program(), today(), now())
        until = data["letters"]["next_ready_at"]  # a letter is ready to read again then
        if short:
            from exback.render import status_short

            text = status_short(data) + "\n"
        elif as_json:
            text = _json_text(data)
        else:
            from exback import render

            text = _drawn(session, lambda: render.status(session.ui, data))
        return text, until and dt.datetime.fromisoformat(until)

    _remembered(session, ["status", "--short" if short else "--json" if as_json else ""], draw)


@app.command()
def where(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show where your data and the program content are.

    \b
    Example:
      exback where
    """
    from exback.commands import status as views

    session = _session(ctx)
    data = views.where(session.store, session.content_path)
    if as_json:
        _print_json(data)
    else:
        from exback import render

        render.where(session.ui, data)


@content_app.command("validate")
def content_validate(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]",
            help="A content folder [default: the one in use].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a content folder; every problem as file:line:col.

    \b
    Examples:
      exback content validate
      exback content validate ./my-program
    """
    from exback import render
    from exback.commands import status as views

    session = _session(ctx)
    result = views.validate_content(
        directory or session.content_path,
        today(),
        lambda warning: session.ui.say(f"exback: warning: {warning}"),
    )
    print(render.content_valid(result))


# --- no contact and check-ins ------------------------------------------------------------

NoInputOption = Annotated[
    bool, typer.Option("--no-input", help="Never prompt; fail if an answer is needed.")
]
NoteOption = Annotated[str | None, typer.Option("--note", help="A few words about it (optional).")]


@nocontact_app.callback()
def nocontact_view(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The no-contact countdown: day N of M, streaks and a calendar.

    \b
    Examples:
      exback nocontact
      exback nocontact start --days 30
      exback nocontact urge --note "wanted to text at midnight"
      exback nocontact exception --reason "school pick-up times"
      exback nocontact slip --note "I called them"
      exback nocontact --json

    Slipping never erases anything: earlier runs, days kept and your best
    streak stay in the record.
    """
    if ctx.invoked_subcommand is not None:
        return
    session = _session(ctx)

    def draw() -> tuple[str, dt.datetime | None]:
        from exback.commands import nocontact

        view = nocontact.view(session.store, session.program, today())
        if as_json:
            return _json_text(view.to_json() if view else None), None
        from exback import render

        return _drawn(session, lambda: render.countdown(session.ui, view)), None

    _remembered(session, ["nocontact", "--json" if as_json else ""], draw)


@nocontact_app.command("start")
def nocontact_start(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=1,
            max=365,
            help="Length in days: at least the program's minimum (14 in the built-in "
            "program, more if they asked for space), at most 365 [default: from the program].",
        ),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Start again even though a countdown is running.")
    ] = False,
) -> None:
    """Start the no-contact countdown; today is day 1.

    \b
    Examples:
      exback nocontact start
      exback nocontact start --days 45
      exback nocontact start --days 30 --restart
    """
    from exback import render
    from exback.commands import nocontact

    session = _session(ctx)
    prompter = session.prompter() if stdin_is_terminal() else None
    result = nocontact.start(
        session.store, session.program(), days, restart, today(), now(), prompter
    )
    session.ui.say(render.started(result) if result else render.COUNTDOWN_KEPT)


@nocontact_app.command("urge")
def nocontact_urge(ctx: typer.Context, note: NoteOption = None) -> None:
    """Log an urge you resisted, and get a practical tip.

    \b
    Example:
      exback nocontact urge --note "saw their photo"
    """
    _log_event(ctx, "urge", note)


@nocontact_app.command("exception")
def nocontact_exception(
    ctx: typer.Context,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="What it was about: children, housing, bills, work...",
            show_default=False,
        ),
    ],
) -> None:
    """Log practical contact (children, bills...); the count goes on.

    \b
    Example:
      exback nocontact exception --reason "agreed the moving date"
    """
    _log_event(ctx, "exception", reason)


@nocontact_app.command("slip")
def nocontact_slip(ctx: typer.Context, note: NoteOption = None) -> None:
    """Log a slip: the count restarts from today; nothing is erased.

    \b
    Example:
      exback nocontact slip --note "I replied to their message"
    """
    _log_event(ctx, "slip", note)


def _log_event(ctx: typer.Context, kind: EventKind, note: str | None) -> None:
    """Log an urge, exception or slip, say so, and add a gentle line when the note needs it."""
    from exback import render
    from exback.commands import nocontact

    session = _session(ctx)
    result = nocontact.log(session.store, session.program, kind, note, today(), now())
    session.ui.say(render.logged(result))
    _gentle_line_if(session, [note])


@app.command()
def checkin(
    ctx: typer.Context,
    mood: Annotated[
        int | None, typer.Option("--mood", min=1, max=10, help="How you feel, 1 (low) to 10.")
    ] = None,
    urge: Annotated[
        int | None,
        typer.Option("--urge", min=0, max=10, help="Urge to make contact, 0 (none) to 10."),
    ] = None,
    note: NoteOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace today's check-in if there is one.")
    ] = False,
) -> None:
    """Check in once a day: mood and urge to make contact. Asks for what is missing.

    \b
    Examples:
      exback checkin --mood 6 --urge 3
      exback checkin --mood 4 --urge 8 --note "anniversary today" --replace
      exback checkin            (asks)
    """
    from exback import render
    from exback.commands import nocontact

    session = _session(ctx)
    prompter = session.prompter() if stdin_is_terminal() else None
    result = nocontact.checkin(session.store, mood, urge, note, replace, today(), now(), prompter)
    if result is None:
        session.ui.say(render.CHECKIN_KEPT)
        return
    session.ui.say(render.checked_in(result))
    _gentle_line_if(session, [result.checkin.note], result.low)


# --- export, restore, reset --------------------------------------------------------


class Format(str, Enum):
    json = "json"
    md = "md"


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="json: every record, for 'exback restore'; md: a report to read.",
        ),
    ] = Format.json,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to FILE (0600) instead of stdout."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE if it already exists.")
    ] = False,
    plain: Annotated[
        bool,
        typer.Option("--plain", help="With encrypted data: write plain text (after a warning)."),
    ] = False,
) -> None:
    """Export your answers, countdown, check-ins and journal.

    \b
    Examples:
      exback export --output exback.json
      exback export --format md --output report.md
      exback export --format md | less

    json (the default) is a complete, versioned copy that 'exback restore' reads
    back; md is a readable report you could bring to a counsellor. When your data
    is encrypted, the json export is encrypted too (it opens with your passphrase
    or recovery code of today); --plain writes plain text, and md needs it.
    """
    from exback import __version__
    from exback.commands import archive
    from exback.commands.encryption import sealed_export

    session = _session(ctx)
    markdown = fmt is Format.md
    store = session.store
    sealed = sealed_export(store, plain, markdown)
    if plain and store.encrypted():
        session.ui.say(
            "exback: warning: this export is plain text; anyone who gets it can read "
            "everything in it. Delete it when you no longer need it."
        )
    done = archive.export(
        store, markdown, session.program, now(), __version__, output, force, sealed
    )
    if done.notice:
        session.ui.say(f"exback: {done.notice}")
    if output is None:
        sys.stdout.write(done.text)
    else:
        session.ui.say(f"Exported to {output} (readable only by you).")


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file made by 'exback export'.")],
    merge: Annotated[
        bool,
        typer.Option(
            "--merge",
            help="Add what is missing to the data you have (nothing is replaced).",
        ),
    ] = False,
) -> None:
    """Bring back a json export; --merge adds to what you have.

    \b
    Examples:
      exback restore exback.json
      exback restore exback.json --merge

    The whole file is checked first; nothing is written if any of it is wrong.
    With --merge, your existing answers and records win; only missing ones
    (journal entries by id, answers, countdown runs and events, check-ins) are added.
    """
    from exback.commands import archive

    session = _session(ctx)
    added = archive.restore(session.store, file, merge, now(), session.secrets())
    if not added.counts:
        session.ui.say(f"Nothing to add: {session.store.root} already has everything in {file}.")
        return
    verb = "Merged" if merge else "Restored"
    session.ui.say(f"{verb} from {file} into {session.store.root}: {added}.")


@app.command()
def reset(
    ctx: typer.Context,
    journal_only: Annotated[
        bool, typer.Option("--journal", help="Delete only the journal.")
    ] = False,
    progress_only: Annotated[
        bool,
        typer.Option("--progress", help="Delete only progress (answers, countdown, check-ins)."),
    ] = False,
    confirm: Annotated[
        str | None,
        typer.Option(
            "--confirm",
            metavar="delete",
            help="Type the word here instead of at the prompt (needed without a terminal).",
        ),
    ] = None,
    no_backup: Annotated[
        bool, typer.Option("--no-backup", help="Do not write a json export first.")
    ] = False,
) -> None:
    """Delete your data, after listing it and writing a backup.

    \b
    Examples:
      exback reset
      exback reset --journal
      exback reset --progress --confirm delete

    You type 'delete' to go ahead (or pass --confirm delete). The backup is a
    json export named <data-dir>-backup-<time>.json, next to the data dir;
    'exback restore' reads it. Only exback's own files are deleted; the folder
    stays.
    """
    from exback import __version__, render
    from exback.commands import archive
    from exback.storage import JOURNAL, PROGRESS

    if journal_only and progress_only:
        raise errors.UsageError(
            "pass --journal or --progress, not both (without either, reset deletes both)"
        )
    if confirm is not None and confirm != archive.CONFIRM_WORD:
        raise errors.UsageError(f"--confirm takes the word 'delete', not {confirm!r}")
    session = _session(ctx)
    parts = (JOURNAL,) if journal_only else (PROGRESS,) if progress_only else (PROGRESS, JOURNAL)
    ask = session.prompter("interrupted; nothing was deleted") if stdin_is_terminal() else None
    plan = archive.reset(
        session.store,
        parts,
        not no_backup,
        lambda plan: render.reset_plan(session.ui, plan),
        confirm is not None,
        ask,
        now(),
        __version__,
    )
    render.reset_done(session.ui, plan)


# --- help-now and the safety plan ---------------------------------------------------


@app.command("help-now")
def help_now(ctx: typer.Context) -> None:
    """What to do if you are in danger or crisis right now. No questions asked.

    \b
    Example:
      exback help-now

    Shows your own safety plan first when you have one, then help lines for
    several countries. Works at once, from any state: it needs no data dir and no
    terminal, never waits for another exback, and prints the general help even
    when your data cannot be read. When your data is encrypted, the general help
    comes at once and your plan after your passphrase (at a terminal).
    """
    session = _session(ctx)
    session.show_help_now()
    store = session.store
    if store.needs_passphrase():
        _plan_after_passphrase(session, store)


def _plan_after_passphrase(session: Session, store: Store) -> None:
    """help-now with encrypted data: the person's plan once the passphrase opens it."""
    from exback import render
    from exback.commands.care import plan_for_help

    if session.passphrase_file is None and not stdin_is_terminal():
        session.ui.say(
            "exback: your data is encrypted, so your own safety plan is shown only at a "
            "terminal (or with --passphrase-file)"
        )
        return
    _tell(
        session,
        "If you made a safety plan, it is encrypted: type your passphrase to see it "
        "(Ctrl-C skips it).",
    )
    try:
        store.sealer()
    except errors.ExbackError as exc:  # a wrong passphrase, Ctrl-C: the help is already out
        session.ui.say(f"exback: {exc.message}")
        return
    plan, problem = plan_for_help(store)
    render.help_now_plan(session.ui, plan, problem)


safety_plan_app = typer.Typer(  # its help is safety_plan_walk's docstring
    rich_markup_mode=None,
    invoke_without_command=True,
)
app.add_typer(safety_plan_app, name="safety-plan")


@safety_plan_app.callback()
def safety_plan_walk(
    ctx: typer.Context,
    answers_file: Annotated[
        Path | None,
        typer.Option(
            "--answers-file",
            help="Write parts from a YAML or JSON file (part id -> text) instead of asking.",
        ),
    ] = None,
    no_input: NoInputOption = False,
) -> None:
    """Make or change your personal safety plan, one part at a time.

    \b
    Examples:
      exback safety-plan                 asks each part (your answers come back)
      exback safety-plan show            print it
      exback safety-plan show --json
      exback safety-plan --answers-file plan.yaml

    A safety plan (the Stanley-Brown form) is a few lines, in your own words, for
    a hard moment: your warning signs, what you can do on your own, people and
    places that take your mind off it, people you can ask for help, professionals
    and services, making your surroundings safer, and what matters to you. Any
    part may stay empty. Each part is saved as soon as you answer it, kept only on
    this machine, and shown first by 'exback help-now'.

    \b
    Parts (for --answers-file): warning_signs, on_my_own, distractions,
    people_to_ask, professionals, safer_surroundings, what_matters.
    """
    if ctx.invoked_subcommand is not None:
        return
    from exback.commands import care

    session = _session(ctx)
    if answers_file is not None:
        changed = care.plan_from_file(session.store, answers_file, now())
        session.ui.say(
            f"Saved your safety plan from {answers_file}: {changed} part"
            f"{'s' if changed != 1 else ''} changed. See it with: exback safety-plan show"
        )
        return
    interactive = not no_input and stdin_is_terminal()
    if interactive:
        session.ui.say(
            "Your safety plan: seven short parts, in your own words. Leave any part empty. "
            "Each answer is saved at once. If you need help right now: Ctrl-G"
        )
    stop = "every part you finished is saved; run 'exback safety-plan' to carry on"
    changed = care.walk_plan(session.store, session.prompter(stop), now, interactive)
    session.ui.say(
        f"Your safety plan is saved ({changed} part{'s' if changed != 1 else ''} changed). "
        "'exback help-now' shows it first; 'exback safety-plan show' prints it."
    )


@safety_plan_app.command("show")
def safety_plan_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print your safety plan.

    \b
    Examples:
      exback safety-plan show
      exback safety-plan show --json
    """
    from exback import render, safety_plan
    from exback.commands.care import saved_plan

    session = _session(ctx)
    saved = saved_plan(session.store)
    if as_json:
        _print_json(safety_plan.to_json(saved))
    else:
        render.safety_plan_view(session.ui, saved)


# --- start ------------------------------------------------------------------------------


@app.command()
def start(
    ctx: typer.Context,
    answers_file: Annotated[
        Path | None,
        typer.Option(
            "--answers-file",
            help="Answer from a YAML or JSON file (step id -> question id -> answer) "
            "instead of prompting.",
        ),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step", metavar="ID", help="Go straight to this step (see 'exback status')."
        ),
    ] = None,
    no_input: NoInputOption = False,
) -> None:
    """Walk through the program, one step at a time. Saves after every answer.

    \b
    Examples:
      exback start
      exback start --step no_contact
      exback start --answers-file answers.yaml

    The first run welcomes you and opens the first step; later runs open a menu:
    continue where you left off, choose or review a step, or see the countdown.
    Ctrl-C at any question keeps what you answered (exit 130).
    """
    from exback import render
    from exback.commands import start as starting
    from exback.commands.walk import Walk

    session = _session(ctx)
    program = session.program()
    if answers_file is not None:
        applied = starting.apply_answers_file(
            program, session.store, answers_file, now(), today(), session.content_path
        )
        render.answers_applied(session.ui, applied)
        return
    walk = Walk(
        program, session.store, session.ui, now, today, session.show_help_now, session.content_path
    )
    interactive = not no_input and stdin_is_terminal()
    if interactive and step is None:  # a letter whose hold passed, the next day's question
        from exback.commands.sos import before_start

        before_start(session.store, session.ui, walk.prompter, now, today)
    walk.begin(step, interactive)


# --- sos and letters (issue 17) ----------------------------------------------------------

letters_app = typer.Typer(  # its help is letters_list's docstring
    rich_markup_mode=None,
    invoke_without_command=True,
)
app.add_typer(letters_app, name="letters")


@app.command()
def sos(ctx: typer.Context) -> None:
    """When the urge to contact them is strong: take a pause.

    \b
    Example:
      exback sos

    A pause (Enter ends it early), then your urge plan and what kept going wrong,
    in your own words; a box for the message you want to send, kept here as a
    letter and never sent, held for a day; a minute of paced breathing; and
    where you are now, logged as an urge (or, kindly, as a slip). Ctrl-G at any
    point shows help now. Without a terminal it stops at once (exit 2): log the
    urge with 'exback nocontact urge --note ...' or keep a letter with
    'exback letters add'.
    """
    from exback.commands.sos import STOPPED, run_sos

    session = _session(ctx)
    prompter = session.prompter(STOPPED)
    run_sos(session.program, session.store, session.ui, prompter, now, today, stdin_is_terminal())


@letters_app.callback()
def letters_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (without the text).")] = False,
) -> None:
    """Letters you wrote and did not send, each held for a day.

    \b
    Examples:
      exback letters                 number, date, hold, first line
      exback letters show 2          one letter, as you wrote it
      exback letters add             write one (asks; or pipe it in)
      exback letters --json

    Letters are never sent anywhere. They are kept in progress.json with the
    rest of your data (in export, restore and reset). A day after you write one,
    'exback status' and 'exback start' offer to read it again.
    """
    if ctx.invoked_subcommand is not None:
        return
    from exback import render
    from exback.commands import letters

    session = _session(ctx)
    listed = letters.listing(session.store, now())
    if as_json:
        _print_json(listed.to_json())
    else:
        render.letters_list(session.ui, listed)


@letters_app.command("show")
def letters_show(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="N", help="The letter's number.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one letter, exactly as you wrote it.

    \b
    Examples:
      exback letters show 1
      exback letters show 1 --json
    """
    from exback import render
    from exback.commands import letters

    session = _session(ctx)
    shown = letters.show(session.store, number, now())
    if as_json:
        _print_json(shown.to_json())
    else:
        render.letter_view(session.ui, shown)


@letters_app.command("add")
def letters_add(
    ctx: typer.Context,
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEXT]",
            help="The letter. Without it, read from stdin, or asked for.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a letter you will not send; it is held here for a day.

    \b
    Examples:
      exback letters add                  (asks; Esc then Enter to finish)
      exback letters add < letter.txt
      echo "I miss you" | exback letters add

    Note: text given as an argument is saved in your shell's history too;
    pipe it in or let exback ask if that matters to you.
    """
    from exback import render
    from exback.commands import letters

    session = _session(ctx)
    if text is None:
        if stdin_is_terminal():
            text = session.prompter().ask(render.letter_question()) or ""
        else:
            from exback.commands.inputs import read_piped_text

            text = read_piped_text(sys.stdin.buffer)
    kept = letters.add(session.store, text, now())
    session.ui.say(render.letter_kept(kept))
    _gentle_line_if(session, [text])


def _gentle_line_if(session: Session, texts: Iterable[str | None], low: bool = False) -> None:
    """After a save: one gentle line on stderr when the text, or a low check-in, needs it."""
    from exback import care

    if low or care.any_needs_care(session.program, texts, session.cached_care_matcher):
        from exback import safety_plan
        from exback.commands.care import plan_for_help

        plan, _ = plan_for_help(session.store)  # read if it can be; never required
        session.ui.say(care.gentle_line(safety_plan.has_content(plan)))


def stdin_is_terminal() -> bool:
    """Whether a person can answer prompts (tests that drive a pipe replace this)."""
    return sys.stdin.isatty()


# --- encryption at rest (issue 20) -------------------------------------------------------


@app.command()
def encrypt(ctx: typer.Context) -> None:
    """Encrypt your data with a passphrase and a recovery code.

    \b
    Examples:
      exback encrypt
      EXBACK_PASSPHRASE_FILE=pass.txt exback encrypt   (scripts: prints the code)

    Read this first: if you forget the passphrase and lose the recovery code,
    your data is gone; nobody can open it. Every data file is encrypted in place
    (progress, journal, safety plan, .bak and kept copies), one file at a time,
    each replaced whole: an interruption leaves each file readable, and running
    'exback encrypt' again finishes the job. From then on every command that
    reads your data asks for the passphrase once; 'exback help-now' does not.
    """
    from exback.commands import encryption
    from exback.words import count

    session = _session(ctx)
    done = encryption.encrypt(
        session.store,
        session.secrets(),
        lambda text: _tell(session, text, "bold"),
        lambda code: _show_recovery_code(session, code),
    )
    if done.already:
        session.ui.say(
            f"{done.root} is already encrypted"
            + (f"; finished encrypting {', '.join(done.files)}." if done.files else ".")
        )
        return
    _tell(
        session,
        f"Encrypted {count(len(done.files), 'file')} in {done.root}"
        f" ({', '.join(done.files) or 'no data yet'}). Keep your passphrase and recovery "
        "code safe.",
    )


def _tell(session: Session, text: str, style: str = "") -> None:
    """A paragraph for the person: wrapped at a terminal, one `exback:` line otherwise."""
    from exback import render

    if stdin_is_terminal():
        render.notice(session.ui, text, style)
    else:
        session.ui.say(f"exback: {text}")


def _show_recovery_code(session: Session, code: str) -> None:
    """The one-time code: on the terminal (stderr), or on stdout for a script to keep."""
    from exback.commands.encryption import SAY_RECOVERY

    _tell(session, SAY_RECOVERY)
    if stdin_is_terminal():
        _tell(session, code, "bold")
    else:
        print(code, flush=True)


@app.command()
def decrypt(ctx: typer.Context) -> None:
    """Turn encryption off: your data is plain text again.

    \b
    Examples:
      exback decrypt
      EXBACK_PASSPHRASE_FILE=pass.txt exback decrypt

    Asks for the passphrase, then writes every data file back as plain text,
    one file at a time (an interruption leaves each file readable; run it again
    to finish), and removes encryption.json last.
    """
    from exback.commands import encryption

    session = _session(ctx)
    done = encryption.decrypt(session.store)
    if done.already:
        session.ui.say(f"{done.root} is not encrypted; nothing was changed.")
        return
    session.ui.say(
        f"Decrypted {done.root}: your data is plain text again "
        f"({', '.join(done.files) or 'no data files'})."
    )


@app.command("passphrase")
def change_passphrase(
    ctx: typer.Context,
    recover: Annotated[
        bool, typer.Option("--recover", help="Forgotten it? Open with the recovery code.")
    ] = False,
    new_file: Annotated[
        Path | None,
        typer.Option(
            "--new-passphrase-file",
            metavar="FILE",
            help="Read the new passphrase from FILE (scripts).",
            show_default=False,
        ),
    ] = None,
    code_file: Annotated[
        Path | None,
        typer.Option(
            "--recovery-code-file",
            metavar="FILE",
            help="With --recover: read the code from FILE (scripts).",
            show_default=False,
        ),
    ] = None,
    remember: Annotated[
        bool,
        typer.Option(
            "--remember", help="Keep the key in the system keyring (needs exback[keyring])."
        ),
    ] = False,
    forget: Annotated[
        bool, typer.Option("--forget", help="Remove the key from the system keyring.")
    ] = False,
) -> None:
    """Change your passphrase; --recover sets one with your code.

    \b
    Examples:
      exback passphrase
      exback passphrase --recover

    Only encryption.json changes: the same data key is locked with the new
    passphrase, so it takes a moment whatever the size of your journal. The
    recovery code stays the same. Someone who had your old passphrase and a
    copy of the old encryption.json could still open the data of that time.

    --remember keeps the key in your system keyring (only if you ask; the
    keyring package must be installed), so exback opens your data without
    asking while you are logged in; 'exback where' says so. --forget removes it.
    """
    from exback.commands import encryption

    session = _session(ctx)
    if code_file is not None and not recover:
        raise errors.UsageError("--recovery-code-file goes with --recover")
    if remember and forget:
        raise errors.UsageError("pass --remember or --forget, not both")
    if remember or forget:
        if forget:
            encryption.forget(session.store)
        else:
            encryption.remember(session.store, session.secrets())
        session.ui.say(
            "Your key is kept in the system keyring; 'exback passphrase --forget' removes it."
            if remember
            else "Your key is no longer in the system keyring; exback asks for the passphrase."
        )
        return
    given = session.secrets("--recovery-code-file", code_file) if recover else session.secrets()
    new = session.secrets("--new-passphrase-file", new_file)
    path = encryption.change_passphrase(session.store, given, new, recover)
    session.ui.say(f"Your passphrase is changed ({path}); the recovery code stays the same.")


# --- doctor -----------------------------------------------------------------------------


@app.command()
def doctor(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair", help="Fix what can be fixed (asks first).")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="With --repair: do not ask (needed without a terminal).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check your data dir; --repair fixes what it finds.

    \b
    Examples:
      exback doctor                  check, change nothing
      exback doctor --repair         fix what exback can, after asking
      exback doctor --repair --yes   the same, without asking (scripts)
      exback doctor --json

    Checks the folder and file permissions, progress.json, every journal line,
    an interrupted restore, copies of lost records, and leftover temp files.
    --repair first copies a bad file whole to <name>.corrupt-<time>, then
    writes it again without the unreadable records (or puts back the last good
    .bak); it brings back a missing file from its .bak or kept copies and
    finishes an interrupted restore. It never deletes your text; the only files
    it removes are exback's own leftover temp files (.<name>.<random>.tmp).

    \b
    Exit codes: 0 healthy (or repaired), 1 problems remain, 2 --repair without
    a terminal and without --yes, 4 another exback holds the lock.
    """
    from exback import render
    from exback.commands.doctor import Report, run_doctor

    session = _session(ctx)
    if repair and not yes and not stdin_is_terminal():
        raise errors.UsageError(
            "--repair changes files and there is no terminal to ask; pass --yes to repair"
        )

    def confirm(planned: Report) -> bool:
        render.doctor_report(session.ui, planned)
        return session.prompter("interrupted; nothing was changed").confirm("Make these repairs?")

    result = run_doctor(session.store, now, repair=repair, confirm=None if yes else confirm)
    if result.declined:
        session.ui.say("Nothing was changed.")
    elif as_json:
        _print_json(result.report)
    else:
        render.doctor_report(session.ui, result.report)
    if not result.healthy:
        raise typer.Exit(errors.ERROR)


def main() -> None:
    """Console-script entry point."""
    # Started with stdout or stderr closed (`exback export >&-`): Python leaves them
    # None; write into /dev/null instead, as if the person had sent them there.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    try:
        try:
            only_the_command(app, sys.argv[1:])()
        finally:  # the last flush, here rather than at exit, where it could not be caught
            sys.stdout.flush()
    except BrokenPipeError:
        _pipe_closed()


# The root options that take a value: the word after one is not a command.
_ROOT_VALUES = frozenset({"--data-dir", "--content-dir", "--lock-timeout", "--passphrase-file"})
_HELP_WORDS = frozenset({"-h", "--help"})


def only_the_command(
    full: typer.Typer, args: list[str], valued: frozenset[str] = _ROOT_VALUES
) -> typer.Typer:
    """`full` with only the command (or group) that `args` names; else `full` to list.

    Typer builds every command's options before it runs one: 12 ms for the whole
    tree, more than a quarter of Typer's own import. The command named is the first
    word that is neither an option nor the value of an option in `valued`. With none,
    with help asked for first, or with a word that names no command (click lists the
    commands, or names the ones it could be), every command is there, to be listed
    (`listed`). In a group (`journal add`), the same again for its commands.
    """
    words = iter(args)
    for word in words:
        if word in _HELP_WORDS:
            return listed(full)
        if word in valued:
            next(words, None)
        elif not word.startswith("-"):
            break
    else:
        return listed(full)
    commands = [c for c in full.registered_commands if _name(c) == word]
    groups = []
    for group in full.registered_groups:
        inner = group.typer_instance
        if group.name == word and inner is not None:
            group = copy.copy(group)
            group.typer_instance = only_the_command(inner, list(words), frozenset())
            groups.append(group)
    if not commands and not groups:
        return listed(full)
    only = copy.copy(full)
    only.registered_commands = commands
    only.registered_groups = groups
    return only


def listed(full: typer.Typer) -> typer.Typer:
    """`full` to list its commands (help, usage errors), never to run one of them.

    Each command keeps its name and help, but its callback is a stand-in without
    options, so Typer has none to build; groups keep their own callbacks (`exback
    nocontact` runs), their commands listed the same way.
    """
    import inspect

    stand_ins = []
    for command in full.registered_commands:
        stand_in = copy.copy(command)
        stand_in.name = _name(command)
        if command.help is None:
            stand_in.help = inspect.getdoc(command.callback)
        stand_in.callback = _only_listed
        stand_ins.append(stand_in)
    groups = []
    for group in full.registered_groups:
        inner = group.typer_instance
        group = copy.copy(group)
        group.typer_instance = listed(inner) if inner is not None else None
        groups.append(group)
    shown = copy.copy(full)
    shown.registered_commands = stand_ins
    shown.registered_groups = groups
    return shown


def _name(command: typer.models.CommandInfo) -> str:
    from typer.main import get_command_name

    callback = command.callback
    return command.name or get_command_name(callback.__name__ if callback else "")


def _only_listed() -> None:
    # only_the_command gives the real command for any word click would run
    raise AssertionError("a command was run from the list of commands")
