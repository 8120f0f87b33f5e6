"""Load the program: YAML files -> validated pydantic models, errors as file:line:col."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from exback.errors import ContentError, validation_message
from exback.models import (
    CarePhrases,
    ChoiceQuestion,
    ConfirmQuestion,
    HelpNow,
    MultiQuestion,
    Program,
    ProgramFile,
    Question,
    ScaleQuestion,
    SosContent,
    Step,
    WritingPrompts,
)
from exback.paths import PROGRAM_FILE, STEPS_DIR, packaged_content_dir
from exback.words import count

_M = TypeVar("_M", ProgramFile, Step, HelpNow, CarePhrases, SosContent, WritingPrompts)

HELP_NOW_FILE = "help_now.yaml"
CARE_PHRASES_FILE = "care_phrases.yaml"
SOS_FILE = "sos.yaml"
WRITING_PROMPTS_FILE = "writing_prompts.yaml"
REVIEW_EVERY_DAYS = 365
MAX_FILE_BYTES = 1_000_000
MAX_ISSUES_PER_FILE = 20  # a file with 100,000 bad keys is one problem, said 20 times
MAX_DEPTH = 50  # the program needs about 6; the C parser crashes on very deep nesting

# libyaml is much faster when PyYAML has it; both keep marks.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Issue:
    """One problem in one content file, printed as `file:line:col: field: message`."""

    path: Path
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.field}: {self.message}"


@dataclass
class _Doc:
    path: Path
    data: Any
    node: yaml.Node | None


def load_program(directory: Path) -> Program:
    """Load and validate a content folder; raise ContentError listing every issue."""
    issues: list[Issue] = []
    program_path = directory / PROGRAM_FILE
    if not program_path.is_file():
        raise ContentError(
            f"{program_path}:1:1: (file): not found; a content folder needs {PROGRAM_FILE} "
            f"and a {STEPS_DIR}/ folder"
        )
    program_doc = _read(program_path, issues)
    program_file = _validate(ProgramFile, program_doc, issues) if program_doc else None

    steps: dict[str, tuple[Step, _Doc]] = {}
    steps_dir = directory / STEPS_DIR
    step_paths = sorted(steps_dir.glob("*.yaml")) if steps_dir.is_dir() else []
    for path in step_paths:
        doc = _read(path, issues)
        step = _validate(Step, doc, issues) if doc else None
        if step is None or doc is None:
            continue
        if step.id != path.stem:
            issues.append(_at(doc, ("id",), f"must match the file name {path.stem!r}"))
        elif step.id in steps:
            issues.append(_at(doc, ("id",), f"step {step.id!r} is defined twice"))
        else:
            steps[step.id] = (step, doc)
        issues.extend(_check_step(step, doc))

    if program_file is None or program_doc is None:
        raise ContentError(_report(issues))
    issues.extend(_check_program(program_file, program_doc, steps, step_paths))
    issues.extend(_check_care(directory, program_file, program_doc, steps))
    phrases = None
    phrases_dir = directory if (directory / CARE_PHRASES_FILE).is_file() else packaged_content_dir()
    if (phrases_dir / CARE_PHRASES_FILE).is_file():
        phrases = _read_care_phrases(phrases_dir, issues)
    sos = _read_sos(directory, steps, issues)
    if issues:
        raise ContentError(_report(issues))
    return Program(
        id=program_file.id,
        title=program_file.title,
        version=program_file.version,
        no_contact=program_file.no_contact,
        steps=[steps[s][0] for s in program_file.steps],
        routes=program_file.routes,
        pressure_check=program_file.pressure_check,
        care=program_file.care,
        holds=program_file.holds,
        care_phrases=phrases,
        sos=sos,
    )


def _read_sos(
    directory: Path, steps: dict[str, tuple[Step, _Doc]], issues: list[Issue]
) -> SosContent:
    """sos.yaml when the folder has one (each answer it shows back must exist), else defaults."""
    path = directory / SOS_FILE
    if not path.is_file():
        return SosContent()
    doc = _read(path, issues)
    sos = _validate(SosContent, doc, issues) if doc else None
    if sos is None or doc is None:
        return SosContent()
    for index, words in enumerate(sos.own_words):
        step = steps.get(words.step)
        if step is None:
            issues.append(_at(doc, ("own_words", index, "step"), f"no step {words.step!r}"))
        elif all(q.id != words.question for q in step[0].questions):
            issues.append(
                _at(
                    doc,
                    ("own_words", index, "question"),
                    f"step {words.step!r} has no question {words.question!r}",
                )
            )
    return sos


def load_help_now(directory: Path) -> HelpNow:
    """Load and validate help_now.yaml; ContentError when missing or invalid."""
    help_now, doc = _load_help_now_doc(directory)
    issues = _duplicate_ids(doc, "sections", [s.id for s in help_now.sections])
    if issues:
        raise ContentError(_report(issues))
    return help_now


def _load_help_now_doc(directory: Path) -> tuple[HelpNow, _Doc]:
    path = directory / HELP_NOW_FILE
    issues: list[Issue] = []
    if not path.is_file():
        raise ContentError(f"{path}:1:1: (file): not found")
    doc = _read(path, issues)
    help_now = _validate(HelpNow, doc, issues) if doc else None
    if help_now is None or doc is None:
        raise ContentError(_report(issues))
    return help_now, doc


def load_care_phrases(directory: Path) -> CarePhrases:
    """Load and validate care_phrases.yaml; ContentError when missing or invalid."""
    path = directory / CARE_PHRASES_FILE
    if not path.is_file():
        raise ContentError(f"{path}:1:1: (file): not found")
    issues: list[Issue] = []
    phrases = _read_care_phrases(directory, issues)
    if phrases is None or issues:
        raise ContentError(_report(issues))
    return phrases


def _read_care_phrases(directory: Path, issues: list[Issue]) -> CarePhrases | None:
    from exback.phrases import phrase_problem

    doc = _read(directory / CARE_PHRASES_FILE, issues)
    phrases = _validate(CarePhrases, doc, issues) if doc else None
    if phrases is None or doc is None:
        return None
    found = []
    for key, items in (("phrases", phrases.phrases), ("except", phrases.except_)):
        for index, phrase in enumerate(items):
            problem = phrase_problem(phrase)
            if problem:
                found.append(_at(doc, (key, index), problem))
    issues.extend(found)
    return None if found else phrases


def load_writing_prompts(directory: Path) -> WritingPrompts:
    """writing_prompts.yaml from `directory`, else the built-in one; ContentError if invalid."""
    path = directory / WRITING_PROMPTS_FILE
    if not path.is_file():
        path = packaged_content_dir() / WRITING_PROMPTS_FILE
    issues: list[Issue] = []
    doc = _read(path, issues)
    prompts = _validate(WritingPrompts, doc, issues) if doc else None
    if doc is not None and prompts is not None:
        issues += _duplicate_ids(doc, "prompts", [p.id for p in prompts.prompts])
    if prompts is None or issues:
        raise ContentError(_report(issues))
    return prompts


def care_help_dir(directory: Path) -> Path:
    """Where a content folder's help comes from: its own help_now.yaml, else the built-in one."""
    return directory if (directory / HELP_NOW_FILE).is_file() else packaged_content_dir()


def _duplicate_ids(doc: _Doc, key: str, ids: list[str]) -> list[Issue]:
    issues = []
    for index, item_id in enumerate(ids):
        if item_id in ids[:index]:
            issues.append(_at(doc, (key, index, "id"), f"duplicate id {item_id!r}"))
    return issues


def _question_care(question: Question) -> list[tuple[tuple[int | str, ...], str]]:
    """(location inside the question, care id) for every care reference in a question."""
    refs: list[tuple[tuple[int | str, ...], str]] = []
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        for ci, choice in enumerate(question.choices):
            if choice.care is not None:
                refs.append((("choices", ci, "care"), choice.care))
    elif isinstance(question, ConfirmQuestion):
        for key in ("care_if_yes", "care_if_no"):
            value = getattr(question, key)
            if value is not None:
                refs.append(((key,), value))
    elif isinstance(question, ScaleQuestion):
        for ri, rule in enumerate(question.care):
            refs.append((("care", ri, "response"), rule.response))
    return refs


def _check_care(
    directory: Path,
    program: ProgramFile,
    doc: _Doc,
    steps: dict[str, tuple[Step, _Doc]],
) -> list[Issue]:
    """Care references name declared responses; responses name real help sections."""
    issues = _duplicate_ids(doc, "care", [c.id for c in program.care])
    known = {c.id for c in program.care}
    names = ", ".join(sorted(known)) or "none defined"
    places: list[tuple[_Doc, tuple[int | str, ...], Question]] = []
    for step, step_doc in steps.values():
        places += [(step_doc, ("questions", qi), q) for qi, q in enumerate(step.questions)]
    if program.pressure_check is not None:
        places += [
            (doc, ("pressure_check", "questions", qi), q)
            for qi, q in enumerate(program.pressure_check.questions)
        ]
    for where_doc, prefix, question in places:
        for loc, care_id in _question_care(question):
            if care_id not in known:
                issues.append(
                    _at(where_doc, (*prefix, *loc), f"unknown care response {care_id!r} ({names})")
                )
    wanted = [(ci, hi, h) for ci, c in enumerate(program.care) for hi, h in enumerate(c.help)]
    if not wanted:
        return issues
    help_dir = care_help_dir(directory)
    try:
        help_now, _ = _load_help_now_doc(help_dir)
    except ContentError:
        issues.append(
            _at(doc, ("care",), f"care responses need a valid {help_dir / HELP_NOW_FILE}")
        )
        return issues
    sections = [s.id for s in help_now.sections]
    for ci, hi, section in wanted:
        if section not in sections:
            issues.append(
                _at(
                    doc,
                    ("care", ci, "help", hi),
                    f"unknown help section {section!r} in {help_dir / HELP_NOW_FILE} "
                    f"(sections: {', '.join(sections)})",
                )
            )
    return issues


def help_now_warning(directory: Path, help_now: HelpNow, today: dt.date) -> str | None:
    """A warning when the help text has not been reviewed for more than a year."""
    return review_warning(
        directory / HELP_NOW_FILE,
        help_now.last_reviewed,
        today,
        "check every number and link, then update it",
    )


def review_warning(path: Path, reviewed: dt.date, today: dt.date, what: str) -> str | None:
    """A warning when a reviewed file's last_reviewed is more than a year old."""
    age = (today - reviewed).days
    if age <= REVIEW_EVERY_DAYS:
        return None
    return f"{path}: last_reviewed is {reviewed.isoformat()}, {count(age, 'day')} ago; {what}"


def _report(issues: list[Issue]) -> str:
    lines = [str(i) for i in issues]
    return "\n".join([*lines, f"content is not valid: {count(len(lines), 'problem')}"])


def _read(path: Path, issues: list[Issue]) -> _Doc | None:
    """Parse one file with the safe loader, rejecting duplicate keys and custom tags."""
    from exback.safefile import UnsafeFileError, read_bytes

    try:  # a regular file (a FIFO or device would hang or fill memory), size checked first
        raw = read_bytes(path, MAX_FILE_BYTES, follow=True)
    except UnsafeFileError as exc:
        issues.append(Issue(path, 1, 1, "(file)", exc.reason))
        return None
    except OSError as exc:
        issues.append(Issue(path, 1, 1, "(file)", f"cannot read: {exc.strerror}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        issues.append(Issue(path, 1, 1, "(file)", f"not UTF-8 (byte {exc.start})"))
        return None
    loader = _Loader(text)
    node: yaml.Node | None = None
    try:
        shape = _check_shape(text)
        if shape is not None:
            issues.append(Issue(path, *shape))
            return None
        node = loader.get_single_node()
        if node is not None:
            dupe = _first_duplicate_key(node)
            if dupe is not None:
                mark = dupe.start_mark
                issues.append(
                    Issue(path, mark.line + 1, mark.column + 1, str(dupe.value), "duplicate key")
                )
                return None
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        issues.append(Issue(path, line, col, "(yaml)", problem))
        return None
    except yaml.reader.ReaderError:
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)
        at = found.start() if found else 0
        line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        code = f"U+{ord(text[at]):04X}" if found else "a control character"
        issues.append(Issue(path, line, col, "(yaml)", f"{code} is not allowed in YAML"))
        return None
    except (yaml.YAMLError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else "invalid YAML"
        issues.append(Issue(path, 1, 1, "(yaml)", reason))
        return None
    except (ValueError, TypeError, OverflowError) as exc:
        # a scalar that matches a type but is not one: `2024-13-45`, `!!int x`
        mark = _bad_scalar(node).start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        issues.append(Issue(path, line, col, "(yaml)", f"cannot read this value: {exc}"))
        return None
    finally:
        loader.dispose()
    return _Doc(path, data, node)


def _check_shape(text: str) -> tuple[int, int, str, str] | None:
    """Reject aliases and deep nesting from the event stream, before building anything.

    Aliases let a tiny file expand into a huge one ("billion laughs") or refer to
    itself; the content never needs them. Nesting is capped because libyaml's
    composer recurses without a limit. Stops at the first problem, so it stays cheap.
    """
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                return _where(event, "aliases (*name) are not allowed; write the value out")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _where(event, f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()
    return None


def _where(event: yaml.Event, problem: str) -> tuple[int, int, str, str]:
    mark = event.start_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, col, "(yaml)", problem


def _bad_scalar(root: yaml.Node) -> yaml.Node:
    """The first scalar that the safe constructor cannot build (else the root)."""
    constructor = yaml.constructor.SafeConstructor()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                return node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return root


def _first_duplicate_key(root: yaml.Node) -> yaml.Node | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[object] = set()
            for key, value in node.value:
                marker = key.value if isinstance(key, yaml.ScalarNode) else id(key)
                if marker in seen:
                    return key  # type: ignore[no-any-return]
                seen.add(marker)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _validate(model: type[_M], doc: _Doc, issues: list[Issue]) -> _M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors = exc.errors()
        for err in errors[:MAX_ISSUES_PER_FILE]:
            message = validation_message(err)
            if isinstance(err.get("input"), bool) and err["type"] in ("string_type", "int_type"):
                message += " (quote the value: YAML reads yes/no/on/off as true/false)"
            issues.append(_at(doc, err["loc"], message))
        if len(errors) > MAX_ISSUES_PER_FILE:
            more = len(errors) - MAX_ISSUES_PER_FILE
            issues.append(Issue(doc.path, 1, 1, "(file)", f"and {more} more problems"))
        return None


def _at(doc: _Doc, loc: Sequence[int | str], message: str) -> Issue:
    """An issue at the YAML node that `loc` (a pydantic error location) points to."""
    node = doc.node
    parts: list[str] = []
    for part in loc:
        child = _child(node, part)
        if child is None:
            if isinstance(part, str) and isinstance(node, yaml.MappingNode) and part in _TAGS:
                continue  # a discriminated union's tag: not a key in the YAML
            parts.append(f"[{part}]" if isinstance(part, int) else str(part))
            continue
        parts.append(f"[{part}]" if isinstance(part, int) else str(part))
        node = child
    mark = node.start_mark if node is not None else None
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    field = ".".join(parts).replace(".[", "[") or "(file)"
    return Issue(doc.path, line, col, field, message)


_TAGS = {"text", "multiline", "choice", "multi", "confirm", "scale"}


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return value  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]  # type: ignore[no-any-return]
    return None


def _check_step(step: Step, doc: _Doc) -> list[Issue]:
    """Checks inside one step that the models cannot make alone."""
    issues = []
    for name, ids in (
        ("questions", [q.id for q in step.questions]),
        ("actions", [a.id for a in step.actions]),
    ):
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if item_id in seen:
                issues.append(_at(doc, (name, index, "id"), f"duplicate id {item_id!r}"))
            seen.add(item_id)
    return issues


def _check_program(
    program: ProgramFile,
    doc: _Doc,
    steps: dict[str, tuple[Step, _Doc]],
    step_paths: list[Path],
) -> list[Issue]:
    """Cross-file checks: every step listed once, references exist, no cycles."""
    issues: list[Issue] = []
    listed = program.steps
    seen: set[str] = set()
    for index, step_id in enumerate(listed):
        if step_id in seen:
            issues.append(_at(doc, ("steps", index), f"step {step_id!r} is listed twice"))
        elif step_id not in steps and not any(p.stem == step_id for p in step_paths):
            issues.append(
                _at(doc, ("steps", index), f"no file {STEPS_DIR}/{step_id}.yaml for this step")
            )
        seen.add(step_id)
    for step_id, (_, step_doc) in steps.items():
        if step_id not in listed:
            issues.append(_at(step_doc, ("id",), f"step is not listed in {PROGRAM_FILE} steps"))
    if program.pressure_check is not None:
        ids = [q.id for q in program.pressure_check.questions]
        for index, item_id in enumerate(ids):
            if item_id in ids[:index]:
                issues.append(
                    _at(
                        doc,
                        ("pressure_check", "questions", index, "id"),
                        f"duplicate id {item_id!r}",
                    )
                )
    for name, route in program.routes.items():
        if route.cooling_off_days is not None and not route.locks:
            issues.append(
                _at(
                    doc,
                    ("routes", name, "cooling_off_days"),
                    "a route without locks cannot cool off",
                )
            )
    known = {p.stem for p in step_paths}
    for name, route in program.routes.items():
        for index, target in enumerate(route.locks):
            if target not in known:
                issues.append(
                    _at(doc, ("routes", name, "locks", index), f"unknown step {target!r}")
                )
    for step, step_doc in steps.values():
        for index, needed in enumerate(step.requires.steps):
            if needed not in known:
                issues.append(
                    _at(step_doc, ("requires", "steps", index), f"unknown step {needed!r}")
                )
        for qi, question in enumerate(step.questions):
            for ci, choice in enumerate(getattr(question, "choices", [])):
                if choice.route is not None and choice.route not in program.routes:
                    route_names = ", ".join(sorted(program.routes)) or "none defined"
                    issues.append(
                        _at(
                            step_doc,
                            ("questions", qi, "choices", ci, "route"),
                            f"unknown route {choice.route!r} (routes: {route_names})",
                        )
                    )
    issues.extend(_check_holds_and_waits(program, doc, steps, known))
    cycle = _find_cycle(
        {s: [r for r in st.requires.steps if r in steps] for s, (st, _) in steps.items()}
    )
    if cycle:
        _, cycle_doc = steps[cycle[0]]
        issues.append(
            _at(cycle_doc, ("requires", "steps"), "requirement cycle: " + " -> ".join(cycle))
        )
    return issues


def _question_holds(question: Question) -> list[tuple[tuple[int | str, ...], str]]:
    """(location inside the question, hold id) for every hold reference in a question."""
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        return [
            (("choices", ci, "hold"), c.hold)
            for ci, c in enumerate(question.choices)
            if c.hold is not None
        ]
    if isinstance(question, ConfirmQuestion) and question.hold_if_no is not None:
        return [(("hold_if_no",), question.hold_if_no)]
    if isinstance(question, ScaleQuestion):
        return [(("hold", ri, "response"), r.response) for ri, r in enumerate(question.hold)]
    return []


def _check_holds_and_waits(
    program: ProgramFile, doc: _Doc, steps: dict[str, tuple[Step, _Doc]], known: set[str]
) -> list[Issue]:
    """Holds name declared holds and real steps; a step's `waits` names its own questions:
    a yes/no `after`, then the outcomes after it; `waiting` choices only on outcomes."""
    issues = _duplicate_ids(doc, "holds", [h.id for h in program.holds])
    holds = {h.id for h in program.holds}
    names = ", ".join(sorted(holds)) or "none defined"
    for hi, hold in enumerate(program.holds):
        if hold.see is not None and hold.see not in known:
            issues.append(_at(doc, ("holds", hi, "see"), f"unknown step {hold.see!r}"))
    for step, step_doc in steps.values():
        ids = [q.id for q in step.questions]
        waits = step.waits
        outcomes = set(waits.outcomes) if waits else set()
        for qi, question in enumerate(step.questions):
            for loc, hold_id in _question_holds(question):
                if hold_id not in holds:
                    issues.append(
                        _at(
                            step_doc, ("questions", qi, *loc), f"unknown hold {hold_id!r} ({names})"
                        )
                    )
            for ci, choice in enumerate(getattr(question, "choices", [])):
                if choice.waiting and question.id not in outcomes:
                    issues.append(
                        _at(
                            step_doc,
                            ("questions", qi, "choices", ci, "waiting"),
                            "only an outcome question (the step's waits.outcomes) can wait",
                        )
                    )
        if waits is None:
            continue
        after = next((q for q in step.questions if q.id == waits.after), None)
        if not isinstance(after, ConfirmQuestion):
            issues.append(
                _at(step_doc, ("waits", "after"), f"{waits.after!r} is not a yes/no question here")
            )
            continue
        for oi, outcome in enumerate(waits.outcomes):
            if outcome not in ids or ids.index(outcome) < ids.index(waits.after):
                issues.append(
                    _at(
                        step_doc,
                        ("waits", "outcomes", oi),
                        f"{outcome!r} is not a question after {waits.after!r}",
                    )
                )
        if waits.offer is not None and waits.offer not in known:
            issues.append(_at(step_doc, ("waits", "offer"), f"unknown step {waits.offer!r}"))
    return issues


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle in the requires graph, as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, [*path, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None
