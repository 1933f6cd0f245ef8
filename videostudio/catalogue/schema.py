"""Request schemas made trustworthy: one plain JSON Schema (draft 2020-12) that validators and the form can rely on.

``normalize_schema`` returns a new schema (the input is never changed) in which

- every ``$ref`` that points into the same document (``#/components/schemas/X``, any ``#/...`` JSON pointer) is
  replaced by what it points at, sibling keywords winning; a reference back into itself is cut at its second visit
  (that inner node then accepts anything); a reference to another document is an error;
- ``allOf`` is merged into its node: properties merged, ``required`` joined, bounds tightened (the larger minimum, the
  smaller maximum), enums intersected; otherwise the node's own keywords, then earlier branches, win;
- ``const`` is kept and also given as a one-value ``enum`` (and a ``type`` when it had none), so the form offers it as
  a fixed choice and validators see the same rule;
- OpenAPI 3.0 quirks are turned into JSON Schema: ``nullable: true`` adds ``"null"`` to the type (a branch that is
  only ``{nullable: true}`` becomes ``{"type": "null"}``); boolean ``exclusiveMinimum``/``exclusiveMaximum`` become
  numbers;
- the API documents' quirks are absorbed: a string default on an integer or number field is made a number
  (``"5"`` → ``5``), a property-level ``"required": true`` moves into its parent's ``required`` list, an enum
  without a type gets the type of its values;
- everything else is kept as written: ``pattern``, ``multipleOf``, ``minItems``/``maxItems``, exclusive bounds,
  type lists such as ``["string", "null"]``, ``anyOf``/``oneOf`` branches (each normalized), ``format``, ...
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from videostudio.catalogue.model import MEDIA_KIND_NAMES, MediaKind

# Keywords whose value is one schema, a list of schemas, or a map of schemas.
_ONE_SCHEMA = frozenset(
    {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else", "unevaluatedItems"}
)
_SCHEMA_LIST = frozenset({"anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAP = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_LOWER_BOUNDS = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"})
_UPPER_BOUNDS = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})


def normalize_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> dict[str, Any]:
    """A normalized copy of ``schema``; ``root`` is the document its ``$ref`` pointers are read in (default: itself)."""
    return _Normalizer(schema if root is None else root).node(schema)


def resolve_pointer(document: Any, ref: str) -> Any:
    """What the JSON pointer ``#/a/b`` points at in ``document``; ValueError when it points outside or at nothing."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        raise ValueError(f"the reference {ref!r} points outside the document")
    target = document
    for raw in ref[1:].split("/")[1:] if ref != "#" else ():
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        try:
            target = target[int(part)] if isinstance(target, list) else target[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ValueError(f"the reference {ref!r} points at nothing") from None
    return target


class _Normalizer:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.resolving: list[str] = []  # the references being expanded, to cut cycles

    def node(self, raw: Any) -> dict[str, Any]:
        if raw is True:
            return {}
        if raw is False:
            return {"not": {}}
        if not isinstance(raw, dict):
            raise ValueError(f"a schema must be an object, not {type(raw).__name__}")
        if "$ref" in raw:
            return self._dereferenced(raw)
        node: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _SCHEMA_MAP:
                node[key] = {name: self.node(child) for name, child in value.items()}
            elif key in _ONE_SCHEMA and isinstance(value, dict):  # a boolean (additionalProperties: false) stays
                node[key] = self.node(value)
            elif key in _SCHEMA_LIST or (key == "items" and isinstance(value, list)):
                node[key] = [self.node(child) for child in value]
            elif key != "allOf":
                node[key] = list(value) if isinstance(value, list) else value
        for branch in raw.get("allOf", ()):
            _merge(node, self.node(branch))
        _absorb_quirks(node)
        return node

    def _dereferenced(self, raw: dict[str, Any]) -> dict[str, Any]:
        ref = raw["$ref"]
        siblings = {k: v for k, v in raw.items() if k != "$ref"}
        if ref in self.resolving:
            return self.node(siblings)
        target = resolve_pointer(self.root, ref)
        if not isinstance(target, dict):
            if isinstance(target, bool):
                return self.node(target)
            raise ValueError(f"the reference {ref!r} points at something that is not a schema")
        self.resolving.append(ref)
        try:
            return self.node({**target, **siblings})
        finally:
            self.resolving.pop()


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    """Merge an ``allOf`` branch into a node: the node's keywords win, except where both constrain."""
    for key, value in extra.items():
        if key not in into:
            into[key] = value
        elif key == "properties":
            merged = into[key]
            for name, prop in value.items():
                if name in merged:
                    _merge(merged[name], prop)
                else:
                    merged[name] = prop
        elif key == "required" and isinstance(value, list) and isinstance(into[key], list):
            into[key] = into[key] + [name for name in value if name not in into[key]]
        elif key in _LOWER_BOUNDS and _is_number(value) and _is_number(into[key]):
            into[key] = max(into[key], value)
        elif key in _UPPER_BOUNDS and _is_number(value) and _is_number(into[key]):
            into[key] = min(into[key], value)
        elif key == "enum":
            into[key] = [v for v in into[key] if v in value]


def _absorb_quirks(node: dict[str, Any]) -> None:
    if "const" in node:
        node.setdefault("enum", [node["const"]])
    if "type" not in node:
        values = node.get("enum")
        if values:
            types = list(dict.fromkeys(_json_type(v) for v in values))
            node["type"] = types[0] if len(types) == 1 else types
    nullable = node.pop("nullable", None)
    if nullable is True:
        declared = node.get("type")
        if isinstance(declared, str):
            node["type"] = [declared, "null"]
        elif isinstance(declared, list) and "null" not in declared:
            node["type"] = [*declared, "null"]
        elif declared is None and not node.keys() - {"description", "title", "default", "example"}:
            node["type"] = "null"
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        # OpenAPI 3.0 says "exclusiveMinimum: true" beside "minimum"; JSON Schema puts the number there.
        if isinstance(node.get(bound), bool) and node.pop(bound) and plain in node:
            node[bound] = node.pop(plain)
    if "default" in node:
        types = _types(node)
        if "integer" in types or "number" in types:
            node["default"] = _coerce_number(node["default"], "integer" if "integer" in types else "number")
    properties = node.get("properties")
    if isinstance(properties, dict):
        required = list(node["required"]) if isinstance(node.get("required"), list) else []
        for name, child in properties.items():
            # A property-level "required": true (video-01-live2d) belongs in the parent's list.
            flag = child.get("required")
            if isinstance(flag, bool):
                del child["required"]
                if flag and name not in required:
                    required.append(name)
        if required:
            node["required"] = required


def _types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type")
    return declared if isinstance(declared, list) else [declared] if isinstance(declared, str) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coerce_number(value: Any, json_type: str) -> Any:
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if json_type == "integer" and number.is_integer() else number
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


_MEDIA_NAME = re.compile(r"(_url|_urls|image|mask|_list)$")


def infer_media(schema: dict[str, Any], prefix: str = "", tag: MediaKind | None = None) -> dict[str, MediaKind]:
    """Media-bearing fields by dotted path, by the fact sheet's rule.

    A string field is media when it has ``format: uri`` or a media-like name (``_url``, ``_urls``, ``image``, ``mask``,
    ``_list``); arrays count by their items. Its kind is audio or video when its name says so, else image
    (``alpha_url``, masks). The ``url`` of a tagged object ``{type: "image"|"video"|"audio", url}`` has the tag's kind.
    ``anyOf``/``oneOf`` branches are searched too; a path found in several branches keeps its first branch's kind.
    """
    found: dict[str, MediaKind] = {}
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        for variant in [prop, *prop.get("anyOf", ()), *prop.get("oneOf", ())]:
            target = variant.get("items", variant) if has_type(variant, "array") else variant
            if not isinstance(target, dict):
                continue
            if has_type(target, "object") or "properties" in target:
                for sub, kind in infer_media(target, prefix=f"{path}.", tag=_media_tag(target)).items():
                    found.setdefault(sub, kind)
            elif (
                has_type(target, "string")
                and "enum" not in target
                and (target.get("format") == "uri" or _MEDIA_NAME.search(name) or (tag and name == "url"))
            ):
                found.setdefault(path, _kind_by_name(name, tag))
    return found


def _media_tag(node: dict[str, Any]) -> MediaKind | None:
    values = node.get("properties", {}).get("type", {}).get("enum")
    if values and len(values) == 1 and values[0] in MEDIA_KIND_NAMES:
        return values[0]
    return None


def _kind_by_name(name: str, tag: MediaKind | None) -> MediaKind:
    if tag and name == "url":
        return tag
    return "audio" if "audio" in name else "video" if "video" in name else "image"


def has_type(schema: dict[str, Any], json_type: str) -> bool:
    """True when ``schema`` is of ``json_type``, also as part of a nullable type list."""
    declared = schema.get("type")
    return json_type in declared if isinstance(declared, list) else declared == json_type


# Optional settings that stay on the main form: the prompt, and a style the model's summary advertises (PixVerse).
MAIN_FORM_NAMES = frozenset({"prompt", "style"})


def optional_non_media(schema: dict[str, Any], media: dict[str, MediaKind]) -> frozenset[str]:
    """Optional settings that are neither media nor the prompt: the ones a form tucks under Advanced."""
    required = set(schema.get("required", ()))
    return frozenset(
        n for n in schema.get("properties", {}) if n not in required and n not in MAIN_FORM_NAMES and n not in media
    )
