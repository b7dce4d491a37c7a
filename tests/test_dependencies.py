"""Every third-party package imported is declared in pyproject.toml: the
packages' in `dependencies`, the tests', benchmarks' and devtools' there or in
the `test` extras."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = {"domain", "store", "pdfgen", "services", "tui", "cli", "sshserver", "tests", "bench",
        "devtools"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imported(folders: list[str]) -> set[str]:
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in OURS
            and n != "__future__"}


def _distributions(modules: set[str]) -> dict[str, set[str]]:
    where = packages_distributions()
    return {m: {d.lower().replace("_", "-") for d in where.get(m, [m])} for m in modules}


def test_every_imported_package_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    test = runtime | {_name(r) for r in project["optional-dependencies"]["test"]}
    packages = ["domain", "store", "pdfgen", "services", "tui", "cli", "sshserver"]
    missing = [f"{m} ({', '.join(sorted(d))})"
               for m, d in _distributions(_imported(packages)).items() if not d & runtime]
    assert missing == [], f"imported by the packages, not in dependencies: {missing}"
    missing = [f"{m} ({', '.join(sorted(d))})"
               for m, d in _distributions(_imported(["tests", "bench", "devtools"])).items()
               if not d & test]
    assert missing == [], f"imported by tests, bench or devtools, not declared: {missing}"
