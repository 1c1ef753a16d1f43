"""The package's layers (ARCHITECTURE.md): every import inside scopecheck points down or sideways,
never up. Read from the source with `ast`, so an import hidden in a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scopecheck"
#: Lowest first. A module may import its own layer and those before it.
LAYERS = ("foundation", "law", "decide", "hr", "batch", "interfaces")
FOUNDATION = {"errors", "safejson", "csvsafe", "cache", "bounded", "version"}
FACADES = {"__init__", "__main__"}  # the public API and `python -m`: they may import anything


def layer_of(module: str) -> str | None:
    """`scopecheck.decide.verdict` -> 'decide'; None for the facades."""
    parts = module.split(".")[1:]
    if not parts or parts[0] in FACADES:
        return None
    return "foundation" if parts[0] in FOUNDATION else parts[0]


def module_name(path: Path, package: Path = PACKAGE) -> str:
    return ".".join(("scopecheck", *path.relative_to(package).with_suffix("").parts))


def imports(path: Path, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, imported scopecheck module) for every import in the file, relative ones resolved."""
    here = module_name(path, package).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1]) if node.level else ""
            target = ".".join(p for p in (base, node.module or "") if p)
            if target.startswith("scopecheck"):
                if target == "scopecheck":  # `from scopecheck import x`: x is the module
                    out += [(node.lineno, f"{target}.{a.name}") for a in node.names]
                else:
                    out.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("scopecheck")]
    return out


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(module_name(p)) is not None)


def test_every_module_is_in_a_layer() -> None:
    assert MODULES, "no modules found"
    for path in MODULES:
        assert layer_of(module_name(path)) in LAYERS, f"{path}: not in a layer folder ({', '.join(LAYERS)})"


def upward_imports(path: Path, package: Path = PACKAGE) -> list[str]:
    """Each import of a module in a higher layer (or of a facade), as `file:line imports module`."""
    mine = LAYERS.index(layer_of(module_name(path, package)) or "interfaces")
    out = []
    for line, target in imports(path, package):
        theirs = layer_of(target)
        if theirs is None or theirs not in LAYERS or LAYERS.index(theirs) > mine:
            out.append(f"{path.relative_to(package.parent)}:{line} imports {target} ({theirs}), above {LAYERS[mine]}")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down(path: Path) -> None:
    assert upward_imports(path) == []


def test_the_layering_check_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself can fail: relative, absolute and in-function imports that point up are found."""
    package = tmp_path / "scopecheck"
    (package / "decide").mkdir(parents=True)
    bad = package / "decide" / "verdict.py"
    bad.write_text(
        "from ..interfaces import render\nfrom . import plan\n"
        "def f():\n    import scopecheck.batch.runner\n    from scopecheck.law import schema\n"
    )
    found = upward_imports(bad, package)
    assert [f.split(" imports ")[1].split(" ")[0] for f in found] == [
        "scopecheck.interfaces",
        "scopecheck.batch.runner",
    ]


def test_only_the_engine_module_knows_durable_rules() -> None:
    """durable_rules stays replaceable: one module imports it; the rest read engine-neutral Findings."""
    knowing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            if any(n.split(".")[0] in ("durable", "durable_rules_engine") for n in names):
                knowing.append(str(path.relative_to(PACKAGE)))
    assert sorted(set(knowing)) == ["decide/engine.py"]
