"""What every kind of media preparation shares: the error a person can act on, and plain-words sizes."""

from __future__ import annotations


class MediaError(ValueError):
    """An input file the studio cannot use; its message is plain words for a non-programmer, saying what to do."""


def dims(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def possessive(model_name: str) -> str:
    return f"{model_name}'s " if model_name else "the "


def megabytes(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"
    return f"{max(size / 1000, 0.1):.1f}".removesuffix(".0") + " KB"


def seconds(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
