"""Building the request body from form values, and validating it before anything is sent.

Validation is the model's own JSON Schema (through ``jsonschema``) plus the cross-field rules the
schema can only state in prose. Every problem comes back with the dotted path of its field, so the
form can show it next to that field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match, relevance

from videostudio.catalogue import MEDIA_KIND_NAMES, Model
from videostudio.media.kinds import a_noun
from videostudio.web_address import looks_like_web_address, refusal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form: the dotted path of the field ("" for the whole form) and what to do."""

    path: str
    message: str
    missing: bool = False  # a required field left empty: worth showing only once the person tries to generate


def build_payload(model: Model, values: Mapping[str, Any]) -> dict[str, Any]:
    """The request body: ``model`` plus every value the person set.

    Unset optional fields are left out rather than sent as defaults, as the fact sheet advises:
    the API applies its own defaults, and a default string sent as-is can be refused.
    """
    payload: dict[str, Any] = {"model": model.id}
    for name in model.field_names():
        value = prune(values.get(name))
        if value is not None:
            payload[name] = value
    return payload


def prune(value: Any) -> Any:
    """None for "not set": empty strings, empty containers, and containers of nothing but unset values."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, Mapping):
        pruned = {k: v for k, v in ((k, prune(v)) for k, v in value.items()) if v is not None}
        return pruned or None
    if isinstance(value, list | tuple):
        items = [v for v in (prune(v) for v in value) if v is not None]
        return items or None
    return value


_format_checker = FormatChecker(formats=())


@_format_checker.checks("uri", raises=())
def _is_uri(value: object) -> bool:
    """A web address or a data URI: the API accepts both wherever it says ``format: uri``."""
    if not isinstance(value, str):
        return True
    if value.startswith("data:"):
        return bool(re.match(r"^data:[\w.+-]+/[\w.+-]+(;[\w=.+-]+)*(;base64)?,.", value))
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def validate_payload(model: Model, payload: Mapping[str, Any]) -> list[Problem]:
    """Every problem with ``payload`` for ``model``, one per field, in form order; empty when it can be sent."""
    validator = Draft202012Validator(model.schema, format_checker=_format_checker)
    problems: dict[str, Problem] = {}
    for error in sorted(validator.iter_errors(dict(payload)), key=relevance):
        for problem in _explain(model, error):
            problems.setdefault(problem.path, problem)
    for path, value in leaves(dict(payload)):
        refused = refusal(value) if looks_like_web_address(value) else None
        if refused:
            problems.setdefault(path, Problem(path, refused))
    for name in model.unbounded_prompts():
        too_long = prompt_beyond_any_model(model, payload.get(name))
        if too_long:
            problems.setdefault(name, Problem(name, too_long))
    for rule in model.rules:
        if rule.broken_by(dict(payload), model.defaults):
            path = next(iter(rule.forbid))
            problems.setdefault(path, Problem(path, rule.message))
    order = {name: i for i, name in enumerate(model.field_names())}
    return sorted(problems.values(), key=lambda p: (order.get(p.path.split(".")[0], len(order)), p.path))


def prompt_beyond_any_model(model: Model, text: Any) -> str | None:
    """The refusal of a prompt with no maximum of its own that is longer than any model of the API takes."""
    limit = model.longest_prompt
    if not isinstance(text, str) or limit is None or len(text) <= limit:
        return None
    return (
        f"Too long: {len(text):,} characters. No model takes more than {limit:,}, "
        "and this one does not say its own limit: shorten it before sending."
    )


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar in a payload with its dotted path (``dynamic_masks.0.mask``): how uploads are named."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from leaves(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            yield from leaves(child, f"{path}.{index}")
    else:
        yield path, value


def map_leaves(value: Any, change: Callable[[str, Any], Any], path: str = "") -> Any:
    """A copy of ``value``, each scalar replaced by ``change(dotted path, scalar)``: the paths of ``leaves``."""
    if isinstance(value, Mapping):
        return {key: map_leaves(child, change, f"{path}.{key}" if path else key) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [map_leaves(child, change, f"{path}.{index}") for index, child in enumerate(value)]
    return change(path, value)


# Errors that say a value is not of a variant at all, rather than wrong within it.
_SHAPE = ("type", "const", "enum")


def _explain(model: Model, error: ValidationError) -> list[Problem]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        # No variant fits: explain what is wrong within the variant the value is of (its type and tag fit).
        by_variant: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            by_variant.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else 0, []).append(sub)
        shaped = [subs for subs in by_variant.values() if not any(e.validator in _SHAPE for e in subs)]
        if shaped:
            closest = best_match(min(shaped, key=len))
            if closest is not None:
                return _explain(model, closest)
        path = ".".join(str(p) for p in error.absolute_path)
        return [Problem(path, "Pick one of the choices and fill it in.")]
    path = ".".join(str(p) for p in error.absolute_path)
    kind = error.validator
    value = error.validator_value
    if kind == "required":
        missing = [name for name in value if isinstance(error.instance, dict) and name not in error.instance]
        kinds = {n: _media_kind(model, _join(path, n), error.schema, error.instance) for n in missing}
        return [Problem(_join(path, n), _required_message(kinds[n]), missing=True) for n in missing]
    if kind == "format":
        # Inside a variant the catalogue cannot say the media: the variant's tag or the field's name does.
        holder = error.parent.instance if error.parent is not None else None
        name = path.rsplit(".", 1)[-1]
        what = _media_kind(model, path, {"properties": {name: error.schema}}, holder) or "file"
        return [Problem(path, f"Give a web address (https://…) or upload the {what}.")]
    return [Problem(path, _message(model, path, kind, value, error.instance))]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _media_kind(model: Model, path: str, parent: Any, instance: Any) -> str | None:
    """The media a missing field holds: from the catalogue, else (inside a variant) its uri format and the tag."""
    name = path.rsplit(".", 1)[-1]
    child = parent.get("properties", {}).get(name) if isinstance(parent, dict) else None
    tag = instance.get("type") if isinstance(instance, dict) else None
    uri = isinstance(child, dict) and child.get("format") == "uri"
    # A tagged object ({type: "image", url}) says its media; the catalogue keeps one kind per path.
    if uri and tag in MEDIA_KIND_NAMES:
        return tag
    kind = model.media_kind(_strip_indices(path))
    if kind or not uri:
        return kind
    return "audio" if "audio" in name else "video" if "video" in name else "image"


def _required_message(kind: str | None) -> str:
    if kind in MEDIA_KIND_NAMES:
        return f"{a_noun(kind).capitalize()} is required: upload one or give its web address."
    return "This field is required."


# Plain words for the JSON Schema keywords whose message needs only the limit and the value given.
_KEYWORD_MESSAGES: dict[str, Callable[[Any, Any], str]] = {
    "enum": lambda expected, _: "Pick one of: " + ", ".join(str(v) for v in expected) + ".",
    "maxLength": lambda expected, instance: f"Too long: {len(instance):,} characters, at most {expected:,}.",
    "minLength": lambda expected, _: f"Too short: at least {expected} characters.",
    "minimum": lambda expected, _: f"Must be at least {expected:g}.",
    "maximum": lambda expected, _: f"Must be at most {expected:g}.",
    "exclusiveMinimum": lambda expected, _: f"Must be more than {expected:g}.",
    "exclusiveMaximum": lambda expected, _: f"Must be less than {expected:g}.",
    "multipleOf": lambda expected, _: f"Must be a multiple of {expected:g}.",
    "const": lambda expected, _: f"Must be {expected}.",
    "pattern": lambda expected, _: f"Not in the form this field expects (it must match `{expected}`).",
    "uniqueItems": lambda _expected, _instance: "Each entry may appear only once.",
}


def _message(model: Model, path: str, kind: str, expected: Any, instance: Any) -> str:
    if kind in _KEYWORD_MESSAGES:
        return _KEYWORD_MESSAGES[kind](expected, instance)
    if kind in ("oneOf", "anyOf"):
        return "Pick one of the choices and fill it in."
    if kind in ("minItems", "maxItems"):
        media = model.media_kind(_strip_indices(path))
        things = f" {media}s" if media else ""
        return f"Add at least {expected}{things}." if kind == "minItems" else f"At most {expected}{things} allowed."
    if kind == "type":
        if isinstance(expected, list):
            expected = next((t for t in expected if t != "null"), "")
        return {
            "integer": "Must be a whole number.",
            "number": "Must be a number.",
            "boolean": "Must be on or off.",
            "string": "Must be text.",
            "array": "Must be a list.",
            "object": "Must be a group of settings.",
        }.get(expected if isinstance(expected, str) else "", "Has the wrong kind of value.")
    return "This value is not accepted."


def _strip_indices(path: str) -> str:
    """``dynamic_masks.0.mask`` → ``dynamic_masks.mask``, the form the catalogue's media hints use."""
    return ".".join(p for p in path.split(".") if not p.isdigit())
