"""One action, one place: screens (`tui/`) and commands (`cli/`) change data
only through `services/`. This scan fails if either calls a store method that
writes (found from the store's own source: any method that opens a
transaction or works inside one), or reaches the database handle itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Direct writes still waiting to move to services/, as (file, method): none
# left (issue 13 moved participants, scores and practical results to
# services/participants.py). A new direct write anywhere fails.
PENDING: set[tuple[str, str]] = set()

_STORE_CHAIN = re.compile(r"(^|[.(\s])(store|admin|Admin)\b")


# The database backends themselves: reached only through `.db`, which the
# scan reports by itself (their `transaction`, `run`... are not repositories').
_BACKENDS = {"db.py", "pg.py"}


def mutating_store_methods() -> set[str]:
    """Names of store methods that write: they open a transaction, run a
    writing function in the database thread (`db.run(..., write=True)`), or
    take the transaction handle `tx` to work inside the caller's."""
    names = set()
    for path in sorted((ROOT / "store").glob("*.py")):
        if path.name in _BACKENDS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            for fn in (n for n in cls.body if isinstance(n, ast.AsyncFunctionDef)):
                source = ast.unparse(fn)
                takes_tx = any(a.arg == "tx" for a in fn.args.args)
                if "transaction()" in source or "write=True" in source or (
                        takes_tx and "tx.execute" in source
                                                 or takes_tx and "tx.insert" in source):
                    names.add(fn.name)
    return names - {"audit"}  # Repo.audit: only ever called inside a store transaction


def direct_writes(source: str, filename: str, mutating: set[str]) -> list[tuple[int, str]]:
    """(line, call) of each call of a writing store method, or use of the
    database handle, through something named store/admin (ctx.store,
    self.context.admin, admin(ctx), Admin(store)...) or a local name bound to
    one (`sessions = self.ctx.store.sessions`)."""
    found: list[tuple[int, str]] = []

    def reaches_store(expr: ast.expr, aliases: set[str]) -> bool:
        text = ast.unparse(expr)
        root = re.match(r"[A-Za-z_]\w*", text)
        return bool(_STORE_CHAIN.search(text)) or (root is not None and root.group() in aliases)

    def visit(scope: ast.AST, outer: set[str]) -> None:
        """One function (or the module): its aliases add to the enclosing ones."""
        aliases = set(outer)
        body = [n for n in ast.walk(scope) if _owner(n, scope)]
        for _ in range(3):  # aliases of aliases
            for node in body:
                if isinstance(node, ast.Assign) and reaches_store(node.value, aliases):
                    aliases.update(t.id for t in node.targets if isinstance(t, ast.Name))
        for node in body:
            if node is not scope and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                       ast.Lambda)):
                visit(node, aliases)
            elif isinstance(node, ast.Attribute) and node.attr == "db" and \
                    reaches_store(node.value, aliases):
                found.append((node.lineno, ast.unparse(node)))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in mutating and reaches_store(node.func.value, aliases):
                found.append((node.lineno, ast.unparse(node.func)))

    tree = ast.parse(source, filename)
    _link_parents(tree)
    visit(tree, set())
    return sorted(found)


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _link_parents(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]


def _owner(node: ast.AST, scope: ast.AST) -> bool:
    """True if the nearest function enclosing `node` is `scope` (a function
    node counts as inside its parent's scope)."""
    parent = getattr(node, "parent", None)
    while parent is not None and not isinstance(parent, _FUNCTIONS):
        parent = getattr(parent, "parent", None)
    return parent is scope or (parent is None and isinstance(scope, ast.Module))


def test_the_scan_knows_the_store_writes():
    mutating = mutating_store_methods()
    assert {"create_session", "insert_session", "create_keys", "insert_keys", "delete_key",
            "create_qcm", "import_bank", "add_account", "set_disabled", "add_public_key",
            "update_centre", "add_question", "mark_sent", "publish", "open_key"} <= mutating
    assert not {"sessions", "session", "keys", "qcms", "formation", "centres"} & mutating


def test_the_scan_finds_a_direct_write():
    sample = ("async def f(self, ctx):\n"
              "    await self.ctx.store.exam.create_keys(ctx.scope, 1, 2)\n"
              "    await admin(ctx).banks.add_question(ctx.scope)\n"
              "    await self.context.admin.centres.update_centre(1)\n"
              "    async with ctx.store.db.transaction() as tx: pass\n"
              "    await ctx.store.sessions.session(ctx.scope, 1)\n"
              "    await sessions.add_keys(ctx.store, ctx.scope, 1, 2)\n"
              "    repo = self.ctx.store.sessions\n"
              "    await repo.delete_participant(ctx.scope, 3)\n")
    lines = [line for line, _ in direct_writes(sample, "sample.py", mutating_store_methods())]
    assert lines == [2, 3, 4, 5, 9]


def test_screens_and_commands_write_only_through_services():
    mutating = mutating_store_methods()
    problems, pending_seen = [], set()
    for package in ("tui", "cli"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            for line, call in direct_writes(path.read_text(encoding="utf-8"), name, mutating):
                method = call.rsplit(".", 1)[-1]
                if (name, method) in PENDING:
                    pending_seen.add((name, method))
                    continue
                problems.append(f"{name}:{line} calls {call}: add or use a function in services/")
    assert problems == []
    # An entry whose call has gone (moved to services) is dropped from PENDING.
    assert pending_seen == PENDING, sorted(PENDING - pending_seen)
