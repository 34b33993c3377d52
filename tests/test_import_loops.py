"""No import loop inside a package of csu_wall (docs/DESIGN.md, "Shape of the GUI"): the
modules' import graph, TYPE_CHECKING imports included, has no cycle between two modules of the
same package; and benchmarks live only in csu_wall/benchmark."""

from __future__ import annotations

from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def _loops(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0]


def test_no_import_loop_inside_a_package() -> None:
    graph = grimp.build_graph("csu_wall")
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m)
                 if _package(i) == _package(m)} for m in graph.modules}
    assert _loops(edges) == []


def test_the_loop_finder_finds_a_loop() -> None:
    edges = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}
    assert _loops(edges) == [{"p.a", "p.b", "p.c"}]


# The ``csu-wall bench`` command's module only adds its options and calls csu_wall.benchmark.
COMMAND = Path("cli/bench.py")


def test_benchmarks_only_in_the_benchmark_package() -> None:
    outside = [str(p.relative_to(ROOT)) for p in (ROOT / "csu_wall").rglob("*bench*.py")
               if p.relative_to(ROOT / "csu_wall").parts[0] != "benchmark"
               and p.relative_to(ROOT / "csu_wall") != COMMAND]
    assert outside == []
