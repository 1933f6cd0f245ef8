"""Several start images, one job each: the extra choice on a model's start image (its first single image field).

Chosen, the field takes several uploads (or web addresses) as a list input does (components/form/media_list_input.py),
and each gives its own job with the same settings (videostudio.jobs.batches.plan_batch). The form's value is the
first image, so the form's checks and its price read as for one; the person who uploads one image never sees a
difference: the choice sits beside Upload and Web address and is off until picked.
"""

from __future__ import annotations

from dataclasses import replace

from components.form.media_input import MediaValue
from components.form.media_list_input import media_list_input
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, Widget
from videostudio.jobs.batches import MAX_COUNT

SEVERAL = "One job per image"


class SeveralImages:
    """The "One job per image" source of a start image (passed to ``media_input`` as its extra choice)."""

    label = SEVERAL

    def draw(self, spec: FieldSpec, model: Model, key: str) -> MediaValue:
        images = replace(
            spec,
            label=f"{spec.label}s, one job each",
            widget=Widget.MEDIA_LIST,
            required=False,
            min_items=0,
            max_items=MAX_COUNT,
            help="Each image gives its own job, with the same settings. " + (spec.help or ""),
        )
        result = media_list_input(images, model, f"{key}__several")
        if result.error:
            return MediaValue(error=result.error)
        several = tuple(zip(result.values, result.upload_names, strict=True))
        if not several:
            return MediaValue()
        value, name = several[0]
        return MediaValue(value=value, upload_name=name, several=several)


SEVERAL_IMAGES = SeveralImages()
