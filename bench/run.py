"""Benchmark exback against jrnl: start-up, adding and listing notes, as journals grow.

Run from the repository, in the project venv (it times that venv's `exback`
console script):

    uv run python bench/run.py            # 7 timed runs of each command, a few minutes
    uv run python bench/run.py --quick    # 3 runs, for a first look

It also times the every-day commands on a new data dir and on five years of data,
export and import at 100,000 notes, and the floor of the installed Typer
(docs/performance.md lists the rows). It builds journals of 0, 10,000 and 100,000
entries for both tools in a temp dir
(the same notes for both: exback's by `exback journal import` of a jrnl-format
export), installs jrnl into a bench-only venv there (`uv venv` + `uv pip install
jrnl`; never a project dependency), then times each command in a fresh process,
alternating the tools run by run, after one untimed warm-up run that also writes
the .pyc files (PYTHONDONTWRITEBYTECODE is removed from the children's
environment, as on a normal install). Nothing outside the temp dir is touched:
HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and the data dirs all point into it.

Not part of pytest or CI: it is slow by design.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SIZES = (0, 10_000, 100_000)
ENCRYPTED_SIZES = (0, 100_000)  # the same journals, encrypted (issue 20)
SEARCH = "number 12"
"""What `journal list --contains` looks for: 1 in 90 of the bench's notes (12, 120-129...)."""
TYPER = ("ref", 'python -c "import typer"', None)
DAILY = (
    "status",
    "status --short",
    "nocontact",
    "status, computed",
    "nocontact, computed",
    "checkin --replace",
    "one answer saved",
)
"""The commands of every day, timed on a new data dir and on five years of data."""
BIG = ("export -o FILE --force", "journal import (into a new data dir)")
"""The commands timed against 100,000 notes for time and memory."""
SLOWEST = ("jrnl", "journal add", 100_000)
ONCE_OVER = 10.0
"""Seconds: a command whose warm-up run takes longer is timed by that one run only."""
ANSWERS = """understand_breakup:
  who_ended: they_did
  what_happened: We stopped making time for each other.
  clarity: 6
"""
MINIMAL_TYPER_APP = """
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False)


@app.callback()
def root(data_dir: Annotated[Optional[Path], typer.Option(envvar="BENCH_DIR")] = None) -> None:
    pass


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    print("ok")


@app.command()
def other() -> None:
    pass


app()
"""


@dataclass
class Sample:
    """The timings (seconds) and peak memory (bytes) of one command."""

    seconds: list[float] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class Command:
    """One timed command line, with its environment."""

    tool: str
    name: str
    size: int | None
    argv: list[str]
    env: dict[str, str]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 runs instead of 7, and jrnl does not add to its 100,000-entry journal "
        "(about 2 minutes by itself)",
    )
    parser.add_argument("--runs", type=int, help="timed runs per command (default 7)")
    parser.add_argument("--jrnl-venv", type=Path, help="reuse a venv that has jrnl installed")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)

    exback = Path(sys.executable).parent / "exback"
    if not exback.exists():
        print("run me in the project venv: uv run python bench/run.py", file=sys.stderr)
        return 2
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="exback-bench-"))
    try:
        env = base_env(tmp)
        jrnl = install_jrnl(tmp, args.jrnl_venv)
        print(describe_machine(exback, jrnl, env), flush=True)
        commands = build_fixtures(tmp, exback, jrnl, env)
        if args.quick:
            commands = [c for c in commands if (c.tool, c.name, c.size) != SLOWEST]
        results = time_all(commands, runs)
        report(results, runs)
        print(f"\nKey derivation: {kdf_cost(max(runs, 5))}.")
        print(f"\nThe whole bench took {(time.perf_counter() - began) / 60:.1f} minutes.")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("EXBACK_CONTENT_DIR", None)
    env.update(
        HOME=str(tmp / "home"),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_CACHE_HOME=str(tmp / "cache"),
        XDG_DATA_HOME=str(tmp / "share"),
        NO_COLOR="1",
        TERM="dumb",
    )
    (tmp / "home").mkdir()
    return env


def install_jrnl(tmp: Path, reuse: Path | None) -> Path:
    if reuse is not None:
        return reuse / "bin" / "jrnl"
    venv = tmp / "jrnl-venv"
    print("installing jrnl into a bench-only venv...", file=sys.stderr, flush=True)
    subprocess.run(["uv", "venv", "-q", str(venv)], check=True)
    subprocess.run(
        ["uv", "pip", "install", "-q", "--python", str(venv / "bin" / "python"), "jrnl"],
        check=True,
    )
    return venv / "bin" / "jrnl"


def describe_machine(exback: Path, jrnl: Path, env: dict[str, str]) -> str:
    meminfo = Path("/proc/meminfo")
    mem = "?"
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        mem = f"{total_kib / 1024 / 1024:.1f} GiB"
    versions = [
        subprocess.run([str(p), "--version"], capture_output=True, text=True, env=env)
        .stdout.splitlines()[0]
        .strip()
        for p in (exback, jrnl)
    ]
    from importlib.metadata import version

    libraries = ", ".join(f"{name} {version(name)}" for name in ("typer", "pydantic", "rich"))
    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs (nproc), {mem} memory\n"
        f"Python {platform.python_version()} ({sys.executable})\n"
        f"{versions[0]} (console script {exback}; {libraries}); {versions[1]}\n"
    )


# --- the journals ---------------------------------------------------------------------


def notes(count: int) -> list[tuple[dt.datetime, str, str]]:
    """`count` notes, one every 30 minutes from 2020 on: (moment, title, body)."""
    start = dt.datetime(2020, 1, 1, 8, 0)
    return [
        (
            start + dt.timedelta(minutes=30 * i),
            f"Note number {i}.",
            f"Went for a walk instead of texting. Slept a little better. @day{i % 7}",
        )
        for i in range(count)
    ]


FIVE_YEARS = 5 * 365 - 1
"""Days of daily use in the five-years data dir: one check-in a day."""
RUNS = 53
EVENTS = 639
HISTORY = 1500
"""Earlier answers kept for each answer of the first step in the five-years data dir."""


def five_years(progress: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """`progress` (one answered step) as after five years of daily use.

    One check-in a day for FIVE_YEARS days up to yesterday, RUNS countdown runs (each
    but the last ended by a slip), EVENTS urges, exceptions and slips, and every
    answer of the first step changed HISTORY times: progress.json of about 580 KB.
    """
    first = today - dt.timedelta(days=FIVE_YEARS)

    def at(day: dt.date, hour: int = 21) -> str:
        return f"{day.isoformat()}T{hour:02d}:00:00+00:00"

    progress["created_at"] = at(first, 8)
    progress["checkins"] = [
        {"on": (day := first + dt.timedelta(days=i)).isoformat(), "at": at(day),
         "mood": 1 + i % 10, "urge": i % 11,
         "note": "Walked to the river after work." if i % 3 == 0 else None}
        for i in range(FIVE_YEARS)
    ]  # fmt: skip
    span = FIVE_YEARS // RUNS
    starts = [first + dt.timedelta(days=span * i) for i in range(RUNS)]
    runs = [
        {"started_on": s.isoformat(), "days": 30, "started_at": at(s, 9),
         "ended_on": starts[i + 1].isoformat(), "end_reason": "slip"}
        for i, s in enumerate(starts[:-1])
    ]  # fmt: skip
    runs.append({"started_on": starts[-1].isoformat(), "days": 365, "started_at": at(starts[-1])})
    events = [
        {"kind": "slip", "on": s.isoformat(), "at": at(s, 8), "note": "We talked for an hour."}
        for s in starts[1:]
    ]
    for i in range(EVENTS - len(events)):
        day = first + dt.timedelta(days=(i * FIVE_YEARS) // (EVENTS - len(starts) + 1))
        kind = "exception" if i % 5 == 0 else "urge"
        note = "Handing over the keys." if kind == "exception" else None
        events.append({"kind": kind, "on": day.isoformat(), "at": at(day, 12), "note": note})
    events.sort(key=lambda e: e["at"])
    progress["no_contact"] = {"runs": runs, "events": events}
    for step in progress["steps"].values():
        for answer in step["answers"].values():
            answer["earlier"] = [
                {
                    "value": answer["value"],
                    "answered_at": at(first + dt.timedelta(days=i * FIVE_YEARS // HISTORY)),
                }
                for i in range(HISTORY)
            ]
    return progress


def build_fixtures(tmp: Path, exback: Path, jrnl: Path, env: dict[str, str]) -> list[Command]:
    journals: dict[str, str] = {}
    commands: list[Command] = []
    for size in SIZES:
        print(f"building journals of {size:,} entries...", file=sys.stderr, flush=True)
        entries = notes(size)
        jrnl_file = tmp / f"jrnl-{size}.txt"
        with jrnl_file.open("w", encoding="utf-8") as out:
            for moment, title, body in entries:
                out.write(f"[{moment:%Y-%m-%d %I:%M:%S %p}] {title}\n{body}\n\n")
        journals[f"j{size}"] = str(jrnl_file)

        data_dir = tmp / f"exback-{size}"
        exback_env = {**env, "EXBACK_DATA_DIR": str(data_dir)}
        answers = tmp / "answers.yaml"
        answers.write_text(ANSWERS)
        run_checked([str(exback), "start", "--answers-file", str(answers)], exback_env)
        if size:
            export = tmp / f"export-{size}.json"
            export.write_text(
                json.dumps(
                    {
                        "tags": {},
                        "entries": [
                            {
                                "title": title,
                                "body": body,
                                "date": f"{moment:%Y-%m-%d}",
                                "time": f"{moment:%H:%M}",
                                "tags": [f"@day{i % 7}"],
                                "starred": False,
                            }
                            for i, (moment, title, body) in enumerate(entries)
                        ],
                    }
                )
            )
            began = time.perf_counter()
            run_checked([str(exback), "journal", "import", str(export)], exback_env)
            print(
                f"  exback journal import of {size:,} jrnl entries: "
                f"{time.perf_counter() - began:.2f} s",
                file=sys.stderr,
                flush=True,
            )

        jrnl_env = {**env}
        ex = [str(exback)]
        jr = [str(jrnl), f"j{size}"]
        commands += [
            Command("exback", "journal add", size, [*ex, "journal", "add", "a bench note"],
                    exback_env),
            Command("jrnl", "journal add", size, [*jr, "a bench note"], jrnl_env),
            Command("exback", "journal list --limit 10", size,
                    [*ex, "journal", "list", "--limit", "10"], exback_env),
            Command("jrnl", "journal list --limit 10", size, [*jr, "-n", "10"], jrnl_env),
            Command("exback", "journal list --contains", size,
                    [*ex, "journal", "list", "--contains", SEARCH], exback_env),
            Command("jrnl", "journal list --contains", size, [*jr, "-contains", SEARCH], jrnl_env),
            Command("exback", "status", size, [*ex, "status"], exback_env),
        ]  # fmt: skip
        if size in ENCRYPTED_SIZES:
            sealed_env = encrypted_copy(tmp, data_dir, exback, exback_env)
            commands += [
                Command("exback", "journal add, encrypted", size,
                        [*ex, "journal", "add", "a bench note"], sealed_env),
                Command("exback", "status, encrypted", size, [*ex, "status"], sealed_env),
            ]  # fmt: skip
        if size == 0:
            commands += [
                Command("exback", "--help", None, [*ex, "--help"], exback_env),
                Command("jrnl", "--help", None, [str(jrnl), "--help"], jrnl_env),
            ]
            commands += daily_commands(exback, exback_env, data_dir, "new data dir")
            five = tmp / "exback-five-years"
            shutil.copytree(data_dir, five)
            progress = five / "progress.json"
            years = five_years(json.loads(progress.read_text()), dt.date.today())
            progress.write_text(json.dumps(years))
            print(f"  five years of progress.json: {progress.stat().st_size / 1000:.0f} KB",
                  file=sys.stderr, flush=True)  # fmt: skip
            commands += daily_commands(
                exback, {**env, "EXBACK_DATA_DIR": str(five)}, five, "five years"
            )
        if size == 100_000:
            out = tmp / "export-out.json"
            commands += [
                Command("exback", "export -o FILE --force", size,
                        [*ex, "export", "-o", str(out), "--force"], exback_env),
                Command("exback", "journal import (into a new data dir)", size,
                        ["sh", "-c", FRESH_IMPORT, "sh", str(exback), str(tmp / "import-into"),
                         str(tmp / f"export-{size}.json")], env),
            ]  # fmt: skip

    python = str(Path(sys.executable))
    app = tmp / "minimal_typer_app.py"
    app.write_text(MINIMAL_TYPER_APP)
    commands += [
        Command("ref", 'python -c "import typer"', None, [python, "-c", "import typer"], env),
        Command("ref", "minimal Typer app: status", None, [python, str(app), "status"], env),
    ]
    write_jrnl_config(env, journals)
    return commands


def encrypted_copy(tmp: Path, data_dir: Path, exback: Path, env: dict[str, str]) -> dict[str, str]:
    """The same data dir, encrypted; the environment that opens it (the passphrase file)."""
    sealed = data_dir.with_name(data_dir.name + "-encrypted")
    shutil.copytree(data_dir, sealed)
    passphrase = tmp / "passphrase.txt"
    passphrase.write_text("a bench passphrase\n")
    sealed_env = {**env, "EXBACK_DATA_DIR": str(sealed), "EXBACK_PASSPHRASE_FILE": str(passphrase)}
    began = time.perf_counter()
    run_checked([str(exback), "encrypt"], sealed_env)
    print(
        f"  exback encrypt of {data_dir.name}: {time.perf_counter() - began:.2f} s",
        file=sys.stderr,
        flush=True,
    )
    return sealed_env


def kdf_cost(runs: int) -> str:
    """What opening the data key costs in this process: the KDF dominates."""
    from exback import crypto

    unlocked = crypto.new_key_document("a bench passphrase", crypto.new_recovery_code())
    kdf = unlocked.document["passphrase"]["kdf"]
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        crypto.unlock(unlocked.document, "a bench passphrase")
        times.append(time.perf_counter() - began)
    params = ", ".join(f"{k} {v}" for k, v in kdf.items() if k != "salt")
    return f"opening the data key ({params}): median {statistics.median(times) * 1000:.0f} ms"


FRESH_IMPORT = 'rm -rf "$2" && EXBACK_DATA_DIR="$2" "$1" journal import "$3"'
"""`journal import` into a data dir removed first, so that every run imports 100,000 new notes."""


def daily_commands(exback: Path, env: dict[str, str], data_dir: Path, size: str) -> list[Command]:
    """The commands of every day, on `data_dir` (labelled `size`); starts its countdown first."""
    ex = [str(exback)]
    one_answer = data_dir.parent / "one-answer.yaml"
    one_answer.write_text("understand_breakup:\n  clarity: 7\n")
    if json.loads((data_dir / "progress.json").read_text()).get("no_contact") is None:
        run_checked([*ex, "nocontact", "start", "--days", "30"], env)
        run_checked([*ex, "checkin", "--mood", "5", "--urge", "3"], env)
    # The views on a copy no command here changes: asked again, they print what they
    # kept (memo.py). "computed" removes the memo first, as after any change.
    views = data_dir.parent / f"{data_dir.name}-views"
    shutil.copytree(data_dir, views, dirs_exist_ok=True)
    seen = {**env, "EXBACK_DATA_DIR": str(views)}
    computed = 'rm -f "$2/.memo.json" && exec "$1" "$3"'
    return [
        Command("exback", f"status ({size})", None, [*ex, "status"], seen),
        Command("exback", f"status --short ({size})", None, [*ex, "status", "--short"], seen),
        Command("exback", f"nocontact ({size})", None, [*ex, "nocontact"], seen),
        *(
            Command("exback", f"{view}, computed ({size})", None,
                    ["sh", "-c", computed, "sh", *ex, str(data_dir), view], env)
            for view in ("status", "nocontact")
        ),
        Command("exback", f"checkin --replace ({size})", None,
                [*ex, "checkin", "--mood", "6", "--urge", "2", "--replace"], env),
        # the walk needs a terminal: `start --answers-file` saves one answer the same way
        # (load, record it, save and prove it reads back)
        Command("exback", f"one answer saved ({size})", None,
                [*ex, "start", "--answers-file", str(one_answer)], env),
    ]  # fmt: skip


def write_jrnl_config(env: dict[str, str], journals: dict[str, str]) -> None:
    folder = Path(env["XDG_CONFIG_HOME"]) / "jrnl"
    folder.mkdir(parents=True)
    lines = [
        "colors: {body: none, date: none, tags: none, title: none}",
        "default_hour: 9",
        "default_minute: 0",
        "editor: ''",
        "encrypt: false",
        "highlight: false",
        "indent_character: '|'",
        "journals:",
        *(f"  {name}: {{journal: {path}}}" for name, path in journals.items()),
        "  default: {journal: " + journals["j0"] + "}",
        "linewrap: 79",
        "tagsymbols: '#@'",
        "template: false",
        "timeformat: '%F %r'",
        "version: v4.6",
    ]
    (folder / "jrnl.yaml").write_text("\n".join(lines) + "\n")


def run_checked(argv: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr}")


# --- timing -----------------------------------------------------------------------------


def time_once(command: Command) -> float:
    """Wall time of one run in a fresh process."""
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        proc = subprocess.run(
            command.argv, env=command.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=err, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - began
        if proc.returncode != 0:
            err.seek(0)
            raise Failed(
                f"{' '.join(command.argv)} failed ({proc.returncode}):\n{err.read().decode()}"
            )
    return elapsed


class Failed(SystemExit):
    """A command that exited non-zero (in the warm-up: one this exback does not have yet)."""


# A small parent process runs the command and reports the child's peak RSS: measured
# from the bench itself, the child would inherit the bench's own high-water mark
# (Linux keeps ru_maxrss across fork and exec).
PEAK_RSS = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(kib if sys.platform == "darwin" else kib * 1024)
"""


def peak_rss(command: Command) -> int:
    """Peak resident memory (bytes) of one run."""
    out = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, *command.argv],
        env=command.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(out.stdout)


def time_all(commands: list[Command], runs: int) -> dict[tuple[str, str, int | None], Sample]:
    results = {(c.tool, c.name, c.size): Sample() for c in commands}
    print("warming up (writes .pyc files, fills the page cache)...", file=sys.stderr, flush=True)
    repeat = []
    for command in commands:
        try:
            seconds = time_once(command)
        except Failed as exc:  # e.g. a command an older exback lacks: its row stays empty
            print(f"  skipped: {str(exc).splitlines()[-1]}", file=sys.stderr, flush=True)
            continue
        if seconds > ONCE_OVER:  # too slow to repeat: this run is its only sample
            results[(command.tool, command.name, command.size)].seconds.append(seconds)
        else:
            repeat.append(command)
    groups = pair_up(repeat)
    for run in range(runs):
        print(f"run {run + 1} of {runs}...", file=sys.stderr, flush=True)
        for group in groups:
            # the same command for both tools back to back; who goes first alternates
            for command in group if run % 2 == 0 else group[::-1]:
                sample = results[(command.tool, command.name, command.size)]
                sample.seconds.append(time_once(command))
    print("measuring peak memory...", file=sys.stderr, flush=True)
    for command in repeat:
        results[(command.tool, command.name, command.size)].peak_rss.append(peak_rss(command))
    return results


def pair_up(commands: list[Command]) -> list[list[Command]]:
    """Each exback command with its jrnl counterpart, if there is one."""
    groups: dict[tuple[str, int | None], list[Command]] = {}
    for command in commands:
        groups.setdefault((command.name, command.size), []).append(command)
    return list(groups.values())


# --- the report -------------------------------------------------------------------------


def report(results: dict[tuple[str, str, int | None], Sample], runs: int) -> None:
    def ms(key: tuple[str, str, int | None]) -> float:
        return results[key].median * 1000

    def ratio(
        mine: tuple[str, str, int | None], theirs: tuple[str, str, int | None]
    ) -> float | None:
        a, b = results.get(mine), results.get(theirs)
        if a is None or b is None or not a.seconds or not b.seconds:
            return None
        return a.median / b.median

    def cells(sample: Sample | None) -> str:
        if sample is None or not sample.seconds:
            return " | "
        runs_note = " (1 run)" if len(sample.seconds) == 1 else ""
        memory = f"{max(sample.peak_rss) / 1e6:.0f}" if sample.peak_rss else ""
        return f"{sample.median * 1000:.0f}{runs_note} | {memory}"

    typer_s = results[TYPER].median
    print(f"\nMedian wall time of {runs} runs (ms), and peak RSS (MB):\n")
    print(
        "| command | entries | exback ms | exback MB | x import typer "
        "| jrnl ms | jrnl MB | exback/jrnl |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool, name, size in results:
        if tool == "jrnl":
            continue
        mine = results[(tool, name, size)]
        theirs = results.get(("jrnl", name, size))
        label = f"{name} (reference)" if tool == "ref" else name
        entries = "" if size is None else f"{size:,}"
        vs_typer = f"{mine.median / typer_s:.2f}" if mine.seconds else ""
        vs_jrnl = ""
        if mine.seconds and theirs is not None and theirs.seconds:
            value = mine.median / theirs.median
            vs_jrnl = f"{value:.2f}" if value >= 0.01 else f"{value:.4f}"
        print(f"| {label} | {entries} | {cells(mine)} | {vs_typer} | {cells(theirs)} | {vs_jrnl} |")

    typer = ms(("ref", 'python -c "import typer"', None))
    floor = ms(("ref", "minimal Typer app: status", None))
    print(
        f"\nThe installed Typer's floor: a minimal Typer app's `status` (one Path option, one "
        f'command) takes {floor:.0f} ms = {floor / typer:.2f} x `python -c "import typer"` '
        f"({typer:.0f} ms). Re-judge a new Typer by this line."
    )

    def add(n: int | None) -> tuple[str, str, int | None]:
        return ("exback", "journal add", n)

    def daily(name: str, data: str) -> tuple[str, str, int | None]:
        return ("exback", f"{name} ({data})", None)

    targets: list[tuple[str, float | None, float]] = [
        ("journal add at 0 <= 0.5 x jrnl's", ratio(add(0), ("jrnl", "journal add", 0)), 0.5),
        (
            "journal add at 10,000 <= 0.1 x jrnl's",
            ratio(add(10_000), ("jrnl", "journal add", 10_000)),
            0.1,
        ),
        (
            "journal list --limit 10 at 100,000 <= 1.2 x at 0",
            ratio(
                ("exback", "journal list --limit 10", 100_000),
                ("exback", "journal list --limit 10", 0),
            ),
            1.2,
        ),
        ("journal add at 100,000 <= 1.1 x at 0", ratio(add(100_000), add(0)), 1.1),
        ("--help <= 1.2 x import typer", ratio(("exback", "--help", None), TYPER), 1.2),
        ("journal add <= 1.5 x import typer", ratio(add(0), TYPER), 1.5),
    ]
    for name in DAILY:
        targets.append(
            (f"{name} <= 1.5 x import typer", ratio(daily(name, "new data dir"), TYPER), 1.5)
        )
    for name in DAILY:
        targets.append(
            (
                f"{name}: five years <= 1.15 x new data dir",
                ratio(daily(name, "five years"), daily(name, "new data dir")),
                1.15,
            )
        )
    for name in BIG:
        key = ("exback", name, 100_000)
        targets.append((f"{name} at 100,000 <= 6 x import typer", ratio(key, TYPER), 6.0))
        sample = results.get(key)
        mb = max(sample.peak_rss) / 1e6 if sample and sample.peak_rss else None
        targets.append((f"{name} at 100,000: peak RSS <= 120 MB", mb, 120.0))
    print("\n| target | measured | limit | result |")
    print("| --- | ---: | ---: | --- |")
    for label, value, limit in targets:
        if value is None:
            print(f"| {label} | | {limit:g} | not measured |")
            continue
        verdict = "pass" if value <= limit else "FAIL"
        print(f"| {label} | {value:.2f} | {limit:g} | {verdict} |")


if __name__ == "__main__":
    sys.exit(main())
