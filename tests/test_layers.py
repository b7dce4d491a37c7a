"""Imports go one way: sshserver -> tui, cli -> services -> store/pdfgen -> domain."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Package -> top-level modules it must never import (directly or lazily).
FORBIDDEN = {
    "domain": {"store", "services", "pdfgen", "tui", "sshserver", "textual", "asyncssh",
               "aiosqlite", "sqlite3", "devtools"},
    "store": {"services", "pdfgen", "tui", "sshserver", "textual", "asyncssh", "devtools"},
    "pdfgen": {"store", "services", "tui", "sshserver", "textual", "asyncssh", "devtools"},
    "services": {"tui", "sshserver", "textual", "asyncssh", "devtools"},
    "tui": {"sshserver", "asyncssh", "cli", "devtools"},
    "cli": {"tui", "sshserver", "textual", "asyncssh", "devtools"},
    # devtools: what tests and benchmarks share (a throwaway PostgreSQL server).
    "sshserver": {"devtools"},
}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported(path: Path, root: Path = ROOT) -> set[str]:
    """Top-level names of every import in a module, wherever it is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # Resolve a relative import: "from ..x import y" may leave the package.
            package = path.relative_to(root).parent.parts
            base = package[:len(package) - (node.level - 1)]
            if base:
                names.add(base[0])
            elif node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return names


def test_lower_layers_never_import_higher_ones():
    problems = []
    for package, forbidden in FORBIDDEN.items():
        if not (ROOT / package).is_dir():
            continue
        files = _modules(package)
        assert files, package
        for path in files:
            bad = _imported(path) & forbidden
            if bad:
                problems.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert problems == []


def test_static_check_sees_lazy_and_relative_imports(tmp_path):
    (tmp_path / "domain").mkdir()
    sample = tmp_path / "domain" / "m.py"
    sample.write_text("def f():\n    import textual.app\n    from store.db import x\n"
                      "from . import rules\nfrom .. import services\n")
    assert _imported(sample, tmp_path) == {"textual", "store", "domain", "services"}


def test_core_imports_neither_textual_nor_asyncssh():
    """Import every module of domain, store, services, pdfgen and cli in a fresh
    interpreter: none of them may pull in the UI or the SSH server."""
    packages = [p for p in ("domain", "store", "services", "pdfgen", "cli") if (ROOT / p).is_dir()]
    code = f"""
import importlib, json, pkgutil, sys
done = []
for name in {packages!r}:
    package = importlib.import_module(name)
    done.append(name)
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(info.name)
        done.append(info.name)
print(json.dumps({{"imported": done,
                  "ui": sorted(m for m in sys.modules
                               if m.split(".")[0] in ("textual", "asyncssh", "tui", "sshserver"))}}))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"domain.rules", "store.db", "services.config"} <= set(report["imported"])
    assert report["ui"] == []
