"""The model catalogue: every video model of the AI/ML API, from its official request schema.

- ``model``: ``Model`` (one model: its schema and hints) and ``Catalogue`` (all models, by id or alias);
- ``schema``: normalizing a request schema (``$ref``, ``allOf``, ``const``, OpenAPI quirks) and finding media fields;
- ``tasks``: what a model makes (``Task``), derived from its schema;
- ``facts``: readable names, vendors, summaries, estimated run times, default output;
- ``loader``: reading files and choosing one model per id (the rules are in its docstring); ``cache`` keeps the result.

``models/`` holds the five hand-written studio files, ``openapi/`` every official document (see
``scripts/refresh_catalogue.py``), ``deprecated.json`` the ids listed as no longer supported.
"""

from videostudio.catalogue.facts import readable_name, summary_line, vendor_of
from videostudio.catalogue.loader import (
    MODELS_DIR,
    OPENAPI_DIR,
    FileProblem,
    build_catalogue,
    load_catalogue,
    load_model,
    model_from_openapi,
    model_from_studio_file,
    model_id_of,
    models_from_openapi,
    request_schema_of,
)
from videostudio.catalogue.model import (
    MEDIA_KIND_NAMES,
    AudioRules,
    Catalogue,
    CatalogueError,
    CrossFieldRule,
    ImageRules,
    MediaKind,
    Model,
    humanize,
)
from videostudio.catalogue.schema import has_type, infer_media, normalize_schema
from videostudio.catalogue.tasks import (
    NOT_A_FRAME,
    RULE_ORDER,
    TASK_CAPABILITIES,
    TASK_RULES,
    TASK_SHEETS,
    Task,
    TaskSheet,
    derive_tasks,
    start_image_path,
)

__all__ = [
    "MEDIA_KIND_NAMES",
    "MODELS_DIR",
    "NOT_A_FRAME",
    "OPENAPI_DIR",
    "RULE_ORDER",
    "TASK_CAPABILITIES",
    "TASK_RULES",
    "TASK_SHEETS",
    "AudioRules",
    "Catalogue",
    "CatalogueError",
    "CrossFieldRule",
    "FileProblem",
    "ImageRules",
    "MediaKind",
    "Model",
    "Task",
    "TaskSheet",
    "build_catalogue",
    "derive_tasks",
    "has_type",
    "humanize",
    "infer_media",
    "load_catalogue",
    "load_model",
    "start_image_path",
    "model_from_openapi",
    "model_from_studio_file",
    "model_id_of",
    "models_from_openapi",
    "normalize_schema",
    "readable_name",
    "request_schema_of",
    "summary_line",
    "vendor_of",
]
