"""Refresh the studio's bundled catalogue from a folder of official video-model OpenAPI documents.

Run: ``.venv/bin/python scripts/refresh_catalogue.py [--source DIR]``; the default source is
``../shared/reference/openapi/video-models`` next to the repository (the reference folder of this workspace).

Every ``<Vendor>/<file>.json`` under the source becomes ``videostudio/catalogue/openapi/<Vendor>/<file>.json``,
written as compact JSON. Folder names keep their spelling; a folder whose name differs from an earlier one only in
case (``kling-ai`` beside ``Kling-AI``) gets a ``-2`` suffix, so a case-insensitive filesystem (macOS, Windows) never
merges two folders.
A legacy full-API dump (any document with ``components.schemas``) is trimmed to its one POST operation plus the
components that operation references, transitively. ``SOURCES.txt`` in the bundle says where each file came from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "reference" / "openapi" / "video-models"
BUNDLE = REPO / "videostudio" / "catalogue" / "openapi"
REF_PREFIX = "#/components/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of <Vendor>/<file>.json documents")
    parser.add_argument("--dest", type=Path, default=BUNDLE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    source: Path = args.source.resolve()
    if not source.is_dir():
        print(f"No such folder: {source}", file=sys.stderr)
        return 1

    files = sorted(p for p in source.rglob("*.json") if p.is_file())
    folders = bundle_folder_names(sorted({p.parent.relative_to(source).as_posix() for p in files}))
    if args.dest.exists():
        shutil.rmtree(args.dest)
    args.dest.mkdir(parents=True)
    lines = [
        "Where each document of this bundle came from (written by scripts/refresh_catalogue.py; do not edit).",
        f"Source folder: {source.name}/ ({len(files)} documents).",
        "Format: bundle path <- source path [sha256 of the source file, first 16 hex digits]",
        "",
    ]
    total = 0
    for path in files:
        relative = path.relative_to(source)
        raw = path.read_bytes()
        document = json.loads(raw)
        note = ""
        if document.get("components", {}).get("schemas"):
            document = trim_to_post_operation(document)
            note = f" (trimmed from {len(raw):,} bytes to its POST operation)"
        target = args.dest / folders[relative.parent.as_posix()] / relative.name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        target.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        bundle_path = target.relative_to(args.dest).as_posix()
        lines.append(f"{bundle_path} <- {relative.as_posix()} [{hashlib.sha256(raw).hexdigest()[:16]}]{note}")
    (args.dest / "SOURCES.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(files)} documents, {total / 1_000_000:.2f} MB, in {args.dest}")
    return 0


def bundle_folder_names(folders: list[str]) -> dict[str, str]:
    """Each source folder's name in the bundle: unchanged, unless it equals an earlier one but for case."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for folder in folders:
        name, n = folder, 1
        while name.casefold() in taken:
            n += 1
            name = f"{folder}-{n}"
        taken.add(name.casefold())
        names[folder] = name
    return names


def trim_to_post_operation(document: dict[str, Any]) -> dict[str, Any]:
    """The document with only its (first) POST operation and the components that operation references."""
    for path, item in document["paths"].items():
        if "post" in item:
            post_path, operation = path, item["post"]
            break
    else:
        raise ValueError("no POST operation to keep")
    components = document.get("components", {})
    kept: dict[str, dict[str, Any]] = {}
    pending = list(_refs(operation))
    if operation.get("security"):
        kept["securitySchemes"] = components.get("securitySchemes", {})
    while pending:
        ref = pending.pop()
        section, _, name = ref[len(REF_PREFIX) :].partition("/")
        if name in kept.get(section, {}):
            continue
        target = components[section][name]
        kept.setdefault(section, {})[name] = target
        pending.extend(_refs(target))
    trimmed = {key: document[key] for key in ("openapi", "info", "servers") if key in document}
    trimmed["paths"] = {post_path: {"post": operation}}
    if kept:
        trimmed["components"] = kept
    return trimmed


def _refs(node: Any) -> list[str]:
    """Every ``#/components/...`` reference inside ``node``."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                found.append(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


if __name__ == "__main__":
    raise SystemExit(main())
