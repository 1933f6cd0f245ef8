"""Payloads built from a model's schema, for tests of the offline backend: the least a valid request holds."""

from __future__ import annotations

from typing import Any

from videostudio.catalogue import Model, infer_media, normalize_schema


def make_model(model_id: str, properties: dict, *, required: tuple[str, ...] = (), **fields) -> Model:
    schema = normalize_schema(
        {
            "type": "object",
            "properties": {"model": {"type": "string", "enum": [model_id]}, **properties},
            "required": ["model", *required],
        }
    )
    vendor, name = model_id.split("/")
    return Model(
        id=model_id, name=name, vendor=vendor, summary="A test.", schema=schema, media=infer_media(schema), **fields
    )


WEB_IMAGE = "https://example.com/picture.jpg"
WEB_VIDEO = "https://example.com/clip.mp4"
WEB_AUDIO = "https://example.com/voice.mp3"


def minimal_payload(model: Model) -> dict[str, Any]:
    """Every required field (at every depth) with a value its schema accepts; media as web addresses."""
    payload = _value(model, model.schema, "")
    payload["model"] = model.id
    return payload


def _value(model: Model, schema: dict[str, Any], path: str) -> Any:
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return _value(model, schema[key][0], path)
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if schema.get("enum"):
        return next(v for v in schema["enum"] if v is not None)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: _value(model, properties.get(name, {}), f"{path}.{name}" if path else name)
            for name in schema.get("required", ())
        }
    if kind == "array":
        item = _value(model, schema.get("items", {}), path)
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind == "integer":
        return int(schema.get("minimum", 1) if schema.get("minimum", 1) > 0 else 1)
    if kind == "number":
        return float(schema.get("minimum", 1.0) if schema.get("minimum", 1.0) > 0 else 1.0)
    if kind == "boolean":
        return False
    media = model.media_kind(path)
    if media is not None or schema.get("format") == "uri":
        return {"video": WEB_VIDEO, "audio": WEB_AUDIO}.get(media or "", WEB_IMAGE)
    minimum = int(schema.get("minLength", 1))
    return ("A quiet harbour at dawn " * (1 + minimum // 20))[: max(minimum, int(schema.get("maxLength", 24)))]
