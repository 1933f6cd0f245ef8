"""The layout is the architecture: imports run one way down the layers, with no circles.

Every ``import`` and ``from ... import`` of the studio's own code is read from the source with ``ast`` (those
inside functions and under ``TYPE_CHECKING`` too: a dependency is a dependency, whenever it is loaded). Each file
is a node; ``from package import name`` points at ``package/name.py`` when that is a module, else at the
package's ``__init__.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OWN_ROOTS = ("videostudio", "components", "pages")

# From the bottom up: a layer may import its own and any layer below, never one above (README, "How it is built").
LAYERS: tuple[tuple[str, ...], ...] = (
    ("videostudio.api", "videostudio.config", "videostudio.files"),
    ("videostudio.storage",),
    ("videostudio.catalogue",),
    ("videostudio.media",),
    ("videostudio.form", "videostudio.history", "videostudio.offline"),
    ("videostudio.team",),
    ("videostudio.jobs",),
    (
        "videostudio.library",
        "videostudio.workflows",
        "videostudio.boards",
        "videostudio.music",
        "videostudio.prompting",
        "videostudio.stills",
        "videostudio.voices",
    ),
    ("videostudio.films",),  # a film assembled from its shots (clip_join's pieces) and the storyboard
    ("videostudio.studio", "videostudio.follow", "videostudio"),
    ("components.shell",),
    ("components.form",),
    ("components.models",),
    ("components.jobs", "components.boards", "components.films"),
    ("components.generate",),
    ("components.history",),
    ("components.compare", "components.team", "components"),
    ("pages", "app"),
)
# The core is tested directly and runs in the follower and the offline backend: no Streamlit there.
NO_STREAMLIT = ("videostudio",)


def own_files() -> list[Path]:
    files = [REPO / "app.py"]
    for root in OWN_ROOTS:
        files += sorted((REPO / root).rglob("*.py"))
    return files


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each import of ``path`` as (module, names taken from it), relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, tuple(alias.name for alias in node.names)


def dependencies(path: Path, modules: set[str]) -> set[str]:
    """The studio's own modules ``path`` depends on: ``from package import module`` is a dependency on that
    module (not on the package's face); ``from module import name`` on the module."""
    found: set[str] = set()
    for base, names in imported_names(path):
        submodules = {f"{base}.{name}" for name in names} & modules
        found |= submodules
        if len(submodules) < len(names) or not names:
            found.add(base)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    """Module -> the studio's own modules it imports."""
    paths = {module_name(path): path for path in own_files()}
    return {name: dependencies(path, set(paths)) - {name} for name, path in paths.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def named_by(module: str) -> tuple[str, int]:
    """The longest prefix in LAYERS that names ``module`` (a package's face sits with its package), and its layer."""
    found = [
        (prefix, number)
        for number, layer in enumerate(LAYERS)
        for prefix in layer
        if module == prefix or module.startswith(prefix + ".")
    ]
    if not found:
        raise AssertionError(f"{module} belongs to no layer: add its folder to LAYERS")
    return max(found, key=lambda item: len(item[0]))


def layer_of(module: str) -> int:
    return named_by(module)[1]


def test_the_studio_has_no_import_circles() -> None:
    assert circles(import_graph()) == []


def test_every_module_has_a_layer_of_its_own_domain() -> None:
    """Every module of the core and the UI sits in a domain's folder, or is named in LAYERS itself."""
    roots = ("videostudio", "components")
    loose = [module for module in import_graph() if module not in roots and named_by(module)[0] in roots]
    assert loose == []


def test_imports_never_run_up_a_layer() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


@pytest.mark.parametrize("root", NO_STREAMLIT)
def test_the_core_imports_no_streamlit(root: str) -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / root).rglob("*.py"))
        if any(base == "streamlit" or base.startswith("streamlit.") for base, _ in imported_names(path))
    ]
    assert offenders == []


def test_the_circle_finder_finds_a_circle() -> None:
    """The checks above would pass on a finder that finds nothing; this one keeps it honest."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]


def test_relative_imports_are_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "videostudio" / "things"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from .one import x\n")
    (package / "two.py").write_text("from . import one\nfrom ..other import y\n")
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    modules = {"videostudio.things", "videostudio.things.one", "videostudio.things.two", "videostudio.other"}
    assert dependencies(package / "two.py", modules) == {"videostudio.things.one", "videostudio.other"}
    assert dependencies(package / "__init__.py", modules) == {"videostudio.things.one"}
