"""The layering in docs/architecture.md, enforced: a forbidden import fails here.

Imports are read from the source with `ast` (every import, also those inside
functions), so a lazy import counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "exback"

# Pure: no I/O, no clock, no terminal. They may import only each other (and the
# error classes, which carry exit codes but do nothing).
PURE = {
    "models",
    "bounds",
    "text",
    "program",
    "nocontact",
    "migrations",
    "phrases",
    "safety_plan",
    "words",
    "journal",
    "journal_import",
    "journal_find",
    "journal_stats",
    "export",
    "merge",
    "crypto",
    "letters",
    "urges",
    "pacing",
}
MAY_IMPORT = {*PURE, "errors"}
# Libraries that do I/O, draw or prompt: never in a pure module.
IMPURE_LIBRARIES = {
    "rich",
    "questionary",
    "prompt_toolkit",
    "typer",
    "click",
    "filelock",
    "platformdirs",
    "yaml",
    "os",
    "sys",
    "subprocess",
    "socket",
    "tempfile",
    "shutil",
}


def imports(path: Path) -> set[str]:
    """Every module name `path` imports, at any depth (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "exback":
                found.update(f"exback.{alias.name}" for alias in node.names)
    return found


def modules() -> dict[str, Path]:
    found = {p.stem: p for p in SRC.glob("*.py")}
    found.update({f"commands.{p.stem}": p for p in (SRC / "commands").glob("*.py")})
    return found


@pytest.mark.parametrize("name", sorted(PURE))
def test_pure_modules_import_only_pure_modules(name: str) -> None:
    used = imports(SRC / f"{name}.py")
    ours = {m.removeprefix("exback.") for m in used if m.startswith("exback.")}
    assert ours <= MAY_IMPORT, f"{name}.py imports {sorted(ours - MAY_IMPORT)}"
    libraries = {m.split(".")[0] for m in used if not m.startswith("exback")}
    assert not libraries & IMPURE_LIBRARIES, f"{name}.py imports {libraries & IMPURE_LIBRARIES}"


def test_only_prompts_imports_questionary_and_prompt_toolkit() -> None:
    for name, path in modules().items():
        used = {m.split(".")[0] for m in imports(path)}
        if name != "prompts":
            assert not used & {"questionary", "prompt_toolkit"}, f"{name} prompts"


def test_nothing_below_the_cli_imports_it() -> None:
    for name, path in modules().items():
        assert "exback.cli" not in imports(path) or name == "__main__", f"{name} imports cli"


def test_commands_draw_nothing() -> None:
    """Use cases return results; render.py and cli.py draw them."""
    for name, path in modules().items():
        if name.startswith("commands."):
            used = {m.split(".")[0] for m in imports(path)}
            assert "rich" not in used, f"{name} imports rich"
