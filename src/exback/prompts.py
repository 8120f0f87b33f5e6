"""Every prompt exback shows; the only module that imports questionary.

A prompt comes in two parts, so that it reads the same at 40×15 as at 200×60:
1. Rich prints the question, its help, the numbered options and a line naming the
   keys, wrapped to the terminal's width (`header`).
2. questionary reads the answer on one short line ("› "). When the text above does
   not fit on the screen, that line starts with the question's first words, so the
   question is always in sight while the person types.

Every answer is typed and seen as it is typed: a number for a choice, numbers for a
multi, y or n, a whole number on a scale, or text. Nothing is pre-selected: the line
starts empty unless the question comes back with an earlier answer, a kept draft, or
a default set in the content.

Keys, named under every question:
- Ctrl-B: back one question (where there is one), as `GoBack`;
- Ctrl-G: help now, shown at once, then the same question with nothing lost;
- Ctrl-C or Ctrl-D: stop, as `Interrupted` carrying what was typed (`draft`);
- at a multiline answer, Esc then Enter finishes it, and Ctrl-X Ctrl-E opens
  $VISUAL or $EDITOR on it (a temporary file, mode 0600, removed afterwards; on a
  memory file system such as /dev/shm when the data is encrypted: `private`).

A passphrase is read with `secret`: nothing is echoed, not even stars.

No prompt asks the terminal where its cursor is (a cursor-position request,
ESC [ 6 n). prompt_toolkit asks to size menus and bottom toolbars, which these
one-line prompts do not have; and in a terminal that never answers, each new prompt
would ask again and then wait a second for the answer (`_no_cursor_requests`).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from exback.errors import Interrupted
from exback.models import (
    ChoiceQuestion,
    ConfirmQuestion,
    MultilineQuestion,
    MultiQuestion,
    Question,
    ScaleQuestion,
    TextQuestion,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from exback.ui import UI

ARROW = "› "
NOTHING_SAVED = "interrupted; nothing was saved"


class GoBack(Exception):
    """Ctrl-B: the person asked for the previous question; `text` is what was typed."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Option:
    """One numbered option of a menu; `locked` says why it cannot be picked."""

    label: str
    value: Any
    locked: str | None = None


@dataclass(frozen=True)
class _Key:
    """A key that ended the prompt early, with what had been typed."""

    name: str  # "back", "help" or "stop"
    text: str


class Prompter:
    """Asks questions on the terminal through `ui`; `on_help` shows help now."""

    def __init__(
        self,
        ui: UI,
        on_help: Callable[[], None] | None = None,
        stop_message: str = NOTHING_SAVED,
        private: bool = False,
    ) -> None:
        self.ui = ui
        self.on_help = on_help
        self.stop_message = stop_message
        self.private = private
        """The data is encrypted: the editor's temporary file goes to memory where it can."""

    # --- questions from the content ------------------------------------------------

    def ask(
        self,
        question: Question,
        previous: Any = None,
        *,
        position: str | None = None,
        can_go_back: bool = False,
        draft: str | None = None,
    ) -> Any:
        """The answer to one question of any kind, checked, as it is saved.

        `previous` (an earlier answer) or else the content's default fills the line;
        a `draft` (text kept from an interrupted prompt) wins over both.
        """
        default = previous if previous is not None else question.default
        lines: list[RenderableType] = []
        if position:
            lines.append(self._dim(position))
        lines.append(self._text(question.prompt, "bold"))
        if question.help:
            lines.append(self._text(" ".join(question.help.split())))
        if isinstance(question, ChoiceQuestion | MultiQuestion):
            options = [c.label for c in question.choices]
            lines.extend(self._numbered(options))
        if isinstance(question, ScaleQuestion):
            lines.append(
                self._text(
                    f"{question.min} = {question.min_label} … {question.max} = {question.max_label}"
                )
            )
        reading = _reading(question, default)
        if draft is not None:
            reading = replace(reading, filled=draft)
        multiline = isinstance(question, MultilineQuestion)
        return self._read(
            lines, question.prompt, reading, multiline=multiline, can_go_back=can_go_back
        )

    # --- prompts of exback's own -------------------------------------------------------

    def menu(self, title: str, options: Sequence[Option], default: Any = None) -> Any:
        """One numbered option's value; locked options are listed with why, not numbered."""
        lines: list[RenderableType] = [self._text(title, "bold")]
        numbered = [o for o in options if o.locked is None]
        number = 0
        for option in options:
            if option.locked is None:
                number += 1
                lines.append(self._text(f"{number:>3}  {option.label}"))
            else:
                lines.append(self._dim(f"   –  {option.label} ({option.locked})"))
        kept = next((str(i + 1) for i, o in enumerate(numbered) if o.value == default), "")

        def parse(text: str) -> Any:
            index = _number(text, 1, len(numbered))
            return numbered[index - 1].value

        how = f"Type a number from 1 to {len(numbered)}"
        return self._read(lines, title, Reading(how, parse, kept=kept))

    def confirm(self, message: str, default: bool | None = None) -> bool:
        """Yes or no (y/n), with no answer pre-filled unless `default` is given."""
        return bool(
            self.ask(ConfirmQuestion(id="confirm", kind="confirm", prompt=message, default=default))
        )

    def number(self, message: str, low: int, high: int, low_label: str, high_label: str) -> int:
        """A whole number on a scale."""
        question = ScaleQuestion(
            id="number",
            kind="scale",
            prompt=message,
            min=low,
            max=high,
            min_label=low_label,
            max_label=high_label,
        )
        return int(self.ask(question))

    def optional_text(self, message: str) -> str | None:
        """One line that may be left empty (None)."""
        text = self.ask(TextQuestion(id="text", kind="text", prompt=message, required=False))
        return str(text) if text and str(text).strip() else None

    def text(self, message: str) -> str:
        """One line of text that may not be empty."""
        return str(self.ask(TextQuestion(id="text", kind="text", prompt=message)))

    def word(self, message: str, word: str) -> bool:
        """Whether the person typed `word` exactly (for reset)."""
        typed = self.ask(TextQuestion(id="word", kind="text", prompt=message, required=False))
        return bool(typed == word)

    def note(self, text: str) -> None:
        """A line for the person between prompts (a refused passphrase...), wrapped."""
        self.ui.out.print(self._text(text))

    def secret(self, message: str) -> str:
        """A passphrase or code, typed without echo; Ctrl-C or Ctrl-D stops (nothing kept)."""
        import getpass

        self.ui.out.print()
        self.ui.out.print(self._text(message, "bold"))
        try:
            return getpass.getpass(ARROW)
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(self.stop_message) from None

    def days(self, choices: list[int], suggested: int, least: int, why: str | None = None) -> int:
        """The length of a no-contact period, at least `least` days (`why`: what set it)."""
        listed = ", ".join(str(d) for d in choices if d >= least)
        suggested = max(suggested, least)
        lines: list[RenderableType] = [
            self._text("How many days will your no-contact period be?", "bold"),
            self._text(
                f"The program suggests {suggested}"
                + (f"; others choose one of {listed}" if listed else "")
                + f". At least {least} days"
                + (f", because you answered: {why}" if why else "")
                + "; at most 365."
            ),
        ]
        how = f"Type a number of days from {least} to 365"
        reading = Reading(how, lambda t: _number(t, least, 365), kept=str(suggested))
        return int(self._read(lines, "How many days will your no-contact period be?", reading))

    def go_on(self) -> None:
        """Wait for Enter, so that what was just shown can be read before it scrolls away."""
        self._read([], "Enter to go on", Reading("Enter to go on", lambda text: None))

    def wait(
        self,
        seconds: float,
        frame: Callable[[float], RenderableType],
        line: Callable[[float], str],
        marks: Sequence[float],
        how: str,
    ) -> bool:
        """Show a timed exercise for `seconds`; True when it ran its course, False when ended.

        `frame(elapsed)` is drawn again and again (an animation); with --no-color,
        NO_COLOR or TERM=dumb nothing moves: `line(mark)` is printed once at each of
        `marks` (seconds from the start) instead, a plain line a screen reader reads
        once. Enter ends it early; Ctrl-G shows help now while the time runs on;
        Ctrl-C or Ctrl-D stops (`Interrupted`). Only the clock is read here: what
        to show at each moment is the caller's (pacing.py).
        """
        import time

        begin = time.monotonic()

        def elapsed() -> float:
            return time.monotonic() - begin

        then = " then Enter" if self.ui.dumb else ""
        keys = [how] + ([f"Ctrl-G{then} help now"] if self.on_help is not None else [])
        printed: set[float] = set()
        while True:
            run = self._wait_line if self.ui.dumb else self._wait_prompt
            ended = run(seconds, elapsed, frame, line, marks, printed, " · ".join(keys))
            if ended == "stop":
                raise Interrupted(self.stop_message)
            if ended != "help":
                return ended == "done"
            assert self.on_help is not None
            self.on_help()
            if elapsed() >= seconds:
                return True

    def _wait_prompt(
        self,
        seconds: float,
        elapsed: Callable[[], float],
        frame: Callable[[float], RenderableType],
        line: Callable[[float], str],
        marks: Sequence[float],
        printed: set[float],
        keys: str,
    ) -> str:
        import asyncio
        import functools

        from prompt_toolkit import PromptSession
        from prompt_toolkit.application import run_in_terminal
        from prompt_toolkit.formatted_text import ANSI
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.output import ColorDepth

        plain = self.ui.plain
        bindings = KeyBindings()
        for key, name in (("c-c", "stop"), ("c-d", "stop"), ("c-g", "help")):
            if name == "help" and self.on_help is None:
                continue
            bindings.add(key)(lambda event, name=name: event.app.exit(result=name))

        def message() -> Any:
            shown = [self._dim(keys)] if plain else [frame(elapsed()), self._dim(keys)]
            return ANSI(self._ansi(shown) + ARROW)

        session: Any = PromptSession(
            message,
            key_bindings=bindings,
            refresh_interval=0 if plain else 0.2,
            style=_style(plain),
            color_depth=ColorDepth.DEPTH_1_BIT if plain else None,
        )

        say = self._say

        async def timer() -> None:
            for mark in marks if plain else ():
                await asyncio.sleep(max(0.0, mark - elapsed()))
                if mark not in printed:
                    printed.add(mark)
                    await run_in_terminal(functools.partial(say, line(mark)))
            await asyncio.sleep(max(0.0, seconds - elapsed()))
            session.app.exit(result="done")

        if plain:  # what is due now is said at once, before any key can end the wait
            self.ui.out.print()
            for mark in marks:
                if mark <= elapsed() and mark not in printed:
                    printed.add(mark)
                    say(line(mark))
        try:
            result = session.prompt(pre_run=lambda: session.app.create_background_task(timer()))
        except (KeyboardInterrupt, EOFError):
            return "stop"
        return result if result in ("done", "stop", "help") else "early"

    def _wait_line(
        self,
        seconds: float,
        elapsed: Callable[[], float],
        frame: Callable[[float], RenderableType],
        line: Callable[[float], str],
        marks: Sequence[float],
        printed: set[float],
        keys: str,
    ) -> str:
        """TERM=dumb: a plain line at each mark; a line typed (Enter) ends the wait."""
        import select
        import sys

        self._say(keys)
        pending = [m for m in marks if m not in printed] + [float(seconds)]
        for mark in pending:
            while True:
                left = mark - elapsed()
                if left <= 0:
                    break
                ready, _, _ = select.select([sys.stdin], [], [], left)
                if ready:
                    typed = sys.stdin.readline()
                    if not typed:
                        return "stop"
                    return "help" if typed.rstrip("\n").endswith("\x07") else "early"
            if mark == seconds:
                return "done"
            printed.add(mark)
            self._say(line(mark))
        return "done"

    def _say(self, text: str) -> None:
        """A plain line, wrapped to the terminal by words, inert."""
        self.ui.out.print(self._text(text))
        self.ui.out.file.flush()

    def _ansi(self, parts: list[RenderableType]) -> str:
        """Rich renderables as text with terminal codes, at the terminal's width."""
        import io

        from rich.console import Console, Group

        buffer = io.StringIO()
        width = shutil.get_terminal_size((80, 24)).columns
        console = Console(
            file=buffer,
            width=width,
            force_terminal=True,
            color_system=None if self.ui.plain else "standard",
            highlight=False,
            emoji=False,
        )
        console.print(Group(*parts))
        return buffer.getvalue()

    # --- the machinery -----------------------------------------------------------------

    def _read(
        self,
        lines: list[RenderableType],
        question: str,
        reading: Reading,
        *,
        multiline: bool = False,
        can_go_back: bool = False,
    ) -> Any:
        """Print the header, read a line until it parses; handle the keys."""
        filled = reading.filled
        while True:
            then = " then Enter" if self.ui.dumb else ""
            keys = [reading.how]
            if can_go_back:
                keys.append(f"Ctrl-B{then} back")
            if self.on_help is not None:
                keys.append(f"Ctrl-G{then} help now")
            if multiline and not self.ui.dumb:
                keys.append("Ctrl-X Ctrl-E editor")
            header = [*lines, self._dim(" · ".join(keys))]
            label = self._print(header, question)
            ask = self._line if self.ui.dumb else self._prompt
            result = ask(label, filled, reading, multiline, can_go_back)
            if not isinstance(result, _Key):
                return reading.value(result)
            if result.name == "stop":
                raise Interrupted(self.stop_message, draft=result.text)
            if result.name == "back":
                raise GoBack(result.text)
            filled = result.text  # help: show it, then the same question again
            assert self.on_help is not None
            self.on_help()

    def _print(self, header: list[RenderableType], question: str) -> str:
        """Print the header; the prompt's label, which names the question if it scrolled."""
        from rich.console import Group

        console = self.ui.out
        console.print()
        console.print(Group(*header))
        width, rows = shutil.get_terminal_size((80, 24))
        used = len(console.render_lines(Group(*header), console.options, pad=False))
        if used + 3 <= rows:  # the blank line, the header and the answer line fit
            return ARROW
        room = max(width - 14, 12)  # the rest of the line starts the answer
        words = " ".join(question.split())
        if len(words) > room:
            cut = words[: room - 1]
            words = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"
        return f"{words} {ARROW}"

    def _prompt(
        self,
        label: str,
        filled: str,
        reading: Reading,
        multiline: bool,
        can_go_back: bool,
    ) -> str | _Key:
        import questionary
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.output import ColorDepth
        from prompt_toolkit.validation import ValidationError, Validator

        bindings = KeyBindings()

        def finish(name: str) -> Callable[[Any], None]:
            def handler(event: Any) -> None:
                event.app.exit(result=_Key(name, event.app.current_buffer.text))

            return handler

        bindings.add("c-c")(finish("stop"))
        bindings.add("c-d")(finish("stop"))
        if can_go_back:
            bindings.add("c-b")(finish("back"))
        if self.on_help is not None:
            bindings.add("c-g")(finish("help"))

        class Check(Validator):
            def validate(self, document: Any) -> None:
                try:
                    reading.value(document.text)
                except ValueError as exc:
                    # the cursor stays where the person was typing, at the end
                    raise ValidationError(len(document.text), str(exc)) from None

        plain = self.ui.plain
        _no_cursor_requests()
        prompt = questionary.text(
            label,
            default=filled,
            qmark="",
            multiline=multiline,
            instruction="",
            validate=Check(),
            style=_style(plain),
            key_bindings=bindings,
            enable_open_in_editor=multiline,
            input_processors=[_visible_controls()],
            placeholder=f"Enter for {reading.kept}" if reading.kept else None,
            color_depth=ColorDepth.DEPTH_1_BIT if plain else None,
        )
        try:
            with memory_tempdir() if self.private else contextlib.nullcontext():
                result = prompt.unsafe_ask()
        except (KeyboardInterrupt, EOFError):  # input closed, or a signal
            return _Key("stop", "")
        return result if isinstance(result, _Key) else str(result)

    def _line(
        self,
        label: str,
        filled: str,
        reading: Reading,
        multiline: bool,
        can_go_back: bool,
    ) -> str | _Key:
        """For a terminal that cannot move the cursor (TERM=dumb): plain lines.

        The same keys work, followed by Enter; Esc then Enter ends a multiline answer.
        """
        from exback.text import inert

        if filled:
            print(inert(f"(Enter alone keeps: {filled})"), flush=True)
        keys = {"\x07": "help"} if self.on_help is not None else {}
        if can_go_back:
            keys["\x02"] = "back"
        while True:
            lines: list[str] = []
            while True:
                try:
                    line = input("" if lines else label)
                except (KeyboardInterrupt, EOFError):
                    return _Key("stop", "\n".join(lines))
                if line[-1:] in keys:
                    return _Key(keys[line[-1]], "\n".join(lines))
                lines.append(line.rstrip("\x1b"))
                if not multiline or line.endswith("\x1b"):
                    break
            text = "\n".join(lines) if any(lines) or not filled else filled
            try:
                reading.value(text)
            except ValueError as exc:
                print(exc, flush=True)
                continue
            return text

    def _text(self, text: str, style: str = "") -> RenderableType:
        from exback.ui import user_text

        return user_text(text, style="" if self.ui.plain else style)

    def _dim(self, text: str) -> RenderableType:
        return self._text(text, "dim")

    def _numbered(self, labels: list[str]) -> list[RenderableType]:
        from rich.table import Table

        table = Table.grid(padding=(0, 2), pad_edge=True)  # indented like the menus
        table.add_column(justify="right", no_wrap=True)
        table.add_column()
        for i, label in enumerate(labels, 1):
            table.add_row(str(i), self._text(label))
        return [table]


@contextlib.contextmanager
def memory_tempdir() -> Iterator[str | None]:
    """Temporary files made inside (the editor's copy of an answer) go to a memory file system.

    Yields the folder used, or None when there is no writable one (the usual temp
    folder is used then). Every editor path uses this while encryption is on.
    """
    from exback.editor import memory_dir

    folder = memory_dir()
    before = tempfile.tempdir
    if folder is not None:
        tempfile.tempdir = folder
    try:
        yield folder
    finally:
        tempfile.tempdir = before


def _no_cursor_requests() -> None:
    """Make this session's terminal output send no cursor-position requests (see above)."""
    from prompt_toolkit.application.current import get_app_session
    from prompt_toolkit.output.vt100 import Vt100_Output

    output = get_app_session().output
    if isinstance(output, Vt100_Output):
        output.enable_cpr = False


def _visible_controls() -> Any:
    """Shows bidi, zero-width and C1 characters in a typed or pre-filled answer as �.

    One character for one, so the cursor keeps its place; the answer itself is kept
    exactly as typed. (prompt_toolkit already shows C0 controls as ^X.)
    """
    from prompt_toolkit.layout.processors import Processor, Transformation

    from exback.text import inert

    def visible(text: str) -> str:
        return "".join("�" if ord(c) >= 0x80 and inert(c) != c else c for c in text)

    class Visible(Processor):
        def apply_transformation(self, ti: Any) -> Transformation:
            return Transformation([(f[0], visible(f[1]), *f[2:]) for f in ti.fragments])

    return Visible()


def _style(plain: bool) -> Any:
    from prompt_toolkit.styles import Style

    if plain:
        off = "nobold noitalic nounderline noreverse noblink"
        return Style([(name, off) for name in ("qmark", "question", "answer", "instruction")])
    return Style([("question", "bold"), ("answer", "")])


# --- reading each kind of answer --------------------------------------------------------

_YES = {"y", "yes"}
_NO = {"n", "no"}


@dataclass(frozen=True)
class Reading:
    """How one answer is read: what to type, how the text becomes a value.

    `filled` starts the line (an answer to edit); `kept` is what Enter alone stands
    for (an earlier one-word answer, shown greyed on the empty line).
    """

    how: str
    parse: Callable[[str], Any]
    filled: str = ""
    kept: str = ""

    def value(self, text: str) -> Any:
        return self.parse(text if text.strip() or not self.kept else self.kept)


def _reading(question: Question, default: Any) -> Reading:
    """How to read an answer to `question`, starting from `default` (or nothing)."""
    optional = not question.required
    if isinstance(question, ChoiceQuestion):
        values = [c.value for c in question.choices]
        count = len(values)

        def choice(text: str) -> Any:
            if optional and not text.strip():
                return None
            return values[_number(text, 1, count) - 1]

        kept = str(values.index(default) + 1) if default in values else ""
        return Reading(f"Type a number from 1 to {count}", choice, kept=kept)
    if isinstance(question, MultiQuestion):
        values = [c.value for c in question.choices]
        picked = default if isinstance(default, list) else []

        def multi(text: str) -> Any:
            numbers = [n for n in re.split(r"[\s,]+", text.strip()) if n]
            if not numbers and question.required:
                raise ValueError("pick at least one: type its number")
            chosen = {_number(n, 1, len(values)) for n in numbers}
            return [v for i, v in enumerate(values, 1) if i in chosen]

        how = "Type the numbers that fit, like 1 3" + (" (Enter alone: none)" if optional else "")
        filled = " ".join(str(values.index(v) + 1) for v in values if v in picked)
        return Reading(how, multi, filled=filled)
    if isinstance(question, ScaleQuestion):
        low, high = question.min, question.max

        def scale(text: str) -> Any:
            if optional and not text.strip():
                return None
            return _number(text, low, high)

        kept = str(default) if isinstance(default, int) else ""
        return Reading(f"Type a number from {low} to {high}", scale, kept=kept)
    if isinstance(question, ConfirmQuestion):

        def yes_no(text: str) -> Any:
            word = text.strip().lower()
            if word in _YES:
                return True
            if word in _NO:
                return False
            if optional and not word:
                return None
            raise ValueError("type y for yes or n for no")

        kept = {True: "y", False: "n"}.get(default, "") if isinstance(default, bool) else ""
        return Reading("Type y or n", yes_no, kept=kept)
    multiline = isinstance(question, MultilineQuestion)
    finish = "Esc then Enter to finish" if multiline else "Enter to save"

    def text(value: str) -> Any:
        if question.required and not value.strip():
            raise ValueError("an answer is needed")
        return value

    how = finish + (", or leave it empty to skip" if optional else "")
    return Reading(how, text, filled=default if isinstance(default, str) else "")


def _number(text: str, low: int, high: int) -> int:
    """A whole number from low to high, or ValueError saying what is allowed."""
    word = text.strip()
    if not word.isdigit() or not low <= int(word) <= high:
        raise ValueError(f"type a whole number from {low} to {high}")
    return int(word)
