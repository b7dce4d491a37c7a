"""Summarise collapsed-stack profiles (py-spy `--format raw`, as written by
`bench/exam_room.py --profile DIR`): share of samples per thread, the functions
with the most samples inclusive and exclusive, and chosen functions' shares.

    .venv/bin/python bench/profile_summary.py DIR/worker0-steady.txt [--top 30] [--match NAME ...]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def read(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            stacks.append((stack.split(";"), int(count)))
    return stacks


def short(frame: str) -> str:
    # "function (path/to/module.py:line)" -> "function (module.py)"
    name, _, where = frame.partition(" (")
    module = where.rsplit("/", 1)[-1].split(":")[0]
    return f"{name} ({module})" if where else name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profiles", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", nargs="*", default=[])
    args = parser.parse_args()
    for path in args.profiles:
        stacks = read(path)
        total = sum(c for _, c in stacks) or 1
        threads: Counter[str] = Counter()
        inclusive: Counter[str] = Counter()
        exclusive: Counter[str] = Counter()
        for frames, count in stacks:
            threads[frames[0].split(" (")[0][:40]] += count
            seen = set()
            for frame in frames[1:]:
                name = short(frame)
                if name not in seen:
                    inclusive[name] += count
                    seen.add(name)
            exclusive[short(frames[-1])] += count
        print(f"== {path.name}: {total} samples")
        print("threads: " + ", ".join(f"{t} {c / total:.0%}" for t, c in threads.most_common(4)))
        print("inclusive:")
        for name, count in inclusive.most_common(args.top):
            print(f"  {count / total:6.1%} {name}")
        print("exclusive:")
        for name, count in exclusive.most_common(args.top // 2):
            print(f"  {count / total:6.1%} {name}")
        for pattern in args.match:
            hits = sum(c for frames, c in stacks if any(pattern in f for f in frames))
            print(f"  matching {pattern!r}: {hits / total:.1%}")


if __name__ == "__main__":
    main()
