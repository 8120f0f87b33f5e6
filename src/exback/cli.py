"""The exback command line: parse, call, render; no business logic here.

How a command runs:
1. `main()` calls the Typer app; the root callback reads the global options
   (--data-dir, --content-dir, --no-color, --debug, --lock-timeout) into a `Session`.
2. The command loads what it needs through the Session: the program
   (content.load_program) and the data dir (storage.Store), lazily, so commands
   that do not prompt never import questionary.
3. Changes happen under `Store.lock()`: read, change in memory (program.py,
   journal.py), write atomically.
4. Results go to stdout (Rich, or JSON with --json); messages to stderr.
5. Every ExbackError is caught in one place, `_Group.invoke`: its message goes to
   stderr and its exit code is returned. A traceback only with --debug.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from exback import errors

if TYPE_CHECKING:
    from exback.models import Program
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
    _program: Program | None = field(default=None, repr=False)
    _ui: UI | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        from exback import paths
        from exback.storage import Store

        return Store(paths.data_dir(self.data_dir), self.lock_timeout)

    @property
    def content_path(self) -> Path:
        from exback import paths

        return paths.content_dir(self.content_dir)

    def program(self) -> Program:
        if self._program is None:
            from exback import paths, program_cache

            self._program = program_cache.load_program(self.content_path, paths.cache_dir())
        return self._program

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

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
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
    print(f"exback: {message}", file=sys.stderr, flush=True)
    raise typer.Exit(code)


HELP = """\
A private, offline, guided program for the weeks after a breakup.

\b
Examples:
  exback start                      walk through the program (resumes where you left off)
  exback status                     steps, countdown and journal at a glance
  exback journal add "Slept badly, but went for a walk" --mood 4
  echo "a note" | exback journal add --tag evening
  exback journal list --limit 5
  exback journal import jrnl.json   notes from `jrnl --export json`
  exback where                      where your data is kept

Everything stays on this machine, in the data dir (see `exback where`).
Exit codes: 0 ok, 1 error, 2 bad input, 3 data corrupt or from a newer
exback, 4 data locked by another exback, 130 interrupted.
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
    help="Quick notes, kept as one line each in journal.jsonl.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
content_app = typer.Typer(
    help="Check the program content (the YAML step files).",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(journal_app, name="journal")
app.add_typer(content_app, name="content")


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
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """A private, offline, guided program for the weeks after a breakup."""
    ctx.obj = Session(data_dir, content_dir, no_color, debug, lock_timeout)


def _session(ctx: typer.Context) -> Session:
    obj = ctx.find_root().obj
    assert isinstance(obj, Session)
    return obj


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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
) -> None:
    """Add a note to your journal.

    \b
    Examples:
      exback journal add "Wanted to text them; went for a run instead" --mood 5
      echo "a note" | exback journal add --tag evening
      exback journal add            (asks for the note)

    Note: text given as an argument is saved in your shell's history too;
    pipe it in or let exback ask if that matters to you.
    """
    from exback import journal

    session = _session(ctx)
    if text is None:
        text = _read_text_input("Your note:")
    entry = journal.add(session.store, text, mood, tag or [], now())
    session.ui.say(f"Saved to your journal ({entry.created_at.astimezone():%Y-%m-%d %H:%M}).")


def _read_text_input(prompt: str) -> str:
    """Text from stdin when it is piped, else from a prompt."""
    if not sys.stdin.isatty():
        data = sys.stdin.read()
        return data[:-1] if data.endswith("\n") else data
    from exback import wizard

    return wizard.ask_text(prompt)


@journal_app.command("list")
def journal_list(
    ctx: typer.Context,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most N entries.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List journal entries, newest first.

    \b
    Examples:
      exback journal list --limit 5
      exback journal list --json
    """
    from exback import journal

    session = _session(ctx)
    result = session.store.read_journal()
    if result.torn_tail:
        session.ui.say(
            f"exback: the last line of {session.store.journal_path} is incomplete "
            "(an interrupted write?); it was skipped and is left as it is"
        )
    entries = journal.newest_first(result.entries)[:limit]
    if as_json:
        _print_json([journal.to_json(e) for e in entries])
        return
    journal.render(session.ui, entries)


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
    """Import notes from jrnl or from another exback; entries already there are skipped.

    \b
    Examples:
      jrnl --export json > jrnl.json && exback journal import jrnl.json
      exback journal list --json > notes.json      (on the old machine)
      exback journal import notes.json             (on the new one)

    Every entry is checked first: a bad one is exit 2 naming the entry and the
    field, and nothing is imported. Importing the same file twice adds nothing.
    """
    from exback import journal_import as imp
    from exback.ui import inert, progress

    session = _session(ctx)
    export = imp.read_export(file)
    with progress(session.ui, len(export.items), "Checking entries") as update:
        entries = imp.check_entries(export, update)
    result = imp.save(session.store, export.format, entries)
    if as_json:
        _print_json(
            {
                "file": export.name,
                "format": export.format,
                "added": result.added,
                "skipped": result.skipped,
            }
        )
        return
    session.ui.say(
        f"Imported {result.added} of {len(entries)} entries from {inert(export.name)} "
        f"({export.format}); {result.skipped} already in your journal were skipped."
    )


# --- status, where, content --------------------------------------------------------


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show your progress at a glance: steps, countdown, journal.

    \b
    Examples:
      exback status
      exback status --json
    """
    from exback import report

    session = _session(ctx)
    data = report.status(session.program(), session.store, today())
    if as_json:
        _print_json(data)
    else:
        report.render_status(session.ui, data)


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
    from exback import report

    session = _session(ctx)
    data = report.where(session.store, session.content_path)
    if as_json:
        _print_json(data)
    else:
        report.render_where(session.ui, data)


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
    """Check a content folder and summarise it; every problem as file:line:col.

    \b
    Examples:
      exback content validate
      exback content validate ./my-program
    """
    from exback.content import load_program

    session = _session(ctx)
    folder = directory or session.content_path
    program = load_program(folder)
    questions = sum(len(s.questions) for s in program.steps)
    tips = sum(len(s.tips) for s in program.steps)
    print(
        f"{folder}: valid: {program.title!s} v{program.version}: {len(program.steps)} steps, "
        f"{questions} questions, {tips} tips, {len(program.routes)} routes"
    )


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
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; fail if an answer is needed.")
    ] = False,
) -> None:
    """Walk through the program, one step at a time. Saves after every answer.

    \b
    Examples:
      exback start
      exback start --answers-file answers.yaml
    """
    from exback import wizard

    session = _session(ctx)
    program = session.program()
    if answers_file is not None:
        summary = wizard.apply_answers_file(program, session.store, answers_file, now(), today())
        session.ui.say(summary)
        return
    if no_input or not sys.stdin.isatty():
        raise errors.NotInteractiveError(
            "start needs a terminal to ask questions; pass --answers-file FILE to answer "
            "from a file"
        )
    wizard.run(program, session.store, session.ui, now, today)


def main() -> None:
    """Console-script entry point."""
    app()
