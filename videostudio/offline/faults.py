"""Fault injection for the offline backend: the ways the real API misbehaves, on demand.

Every mode can be switched on for the whole server (configuration) or for one request, with the
header ``X-Offline-Faults`` in the same text form, e.g. ``fail,rate-limit=2,submit-error=403``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

FAULTS_HEADER = "X-Offline-Faults"

# Word → field; words are matched after lower-casing and turning "_" into "-".
_BOOL_WORDS = {
    "fail": "fail",
    "legacy": "legacy",
    "video-list": "video_list",
    "expired": "expired_urls",
    "expired-urls": "expired_urls",
    "drop-answer": "drop_answer",
}
_INT_WORDS = {
    "rate-limit": "rate_limit_polls",
    "server-error": "server_error_polls",
    "submit-error": "submit_error",
    "slow": "slow_ms",
    "delay-answer": "delay_answer_ms",
}
# The value a counted word takes when written bare ("rate-limit" means "rate-limit=1").
_BARE_VALUES = {
    "rate_limit_polls": 1,
    "server_error_polls": 1,
    "submit_error": 500,
    "slow_ms": 500,
    "delay_answer_ms": 5000,
}
_TRUE = {"", "1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class FaultConfig:
    """Which failures the offline backend fakes; the defaults fake none."""

    fail: bool = False  # jobs end with status "error" and an error object {name, message}
    rate_limit_polls: int = 0  # the first N polls of each job answer 429 with Retry-After: 1
    server_error_polls: int = 0  # the next N polls of each job answer 503
    submit_error: int | None = None  # submit answers this HTTP status with the API's error body
    slow_ms: int = 0  # every response is delayed this long
    legacy: bool = False  # legacy vocabulary: {"generation_id"} on submit; waiting → active → succeeded
    video_list: bool = False  # the video comes as a list: [{"url": ...}]
    expired_urls: bool = False  # video URLs are already expired, so fetching them answers 403
    drop_answer: bool = False  # a submit creates its job, then the connection closes without an answer
    delay_answer_ms: int = 0  # a submit creates its job, then waits this long before answering

    @classmethod
    def parse(cls, text: str | None) -> FaultConfig:
        """Faults from their text form; empty text means none; an unknown word raises ValueError."""
        values: dict[str, object] = {}
        for raw in re.split(r"[,\s]+", (text or "").strip()):
            if not raw:
                continue
            word, _, value = raw.partition("=")
            word = word.strip().lower().replace("_", "-")
            value = value.strip().lower()
            if word in _BOOL_WORDS:
                if value in _TRUE:
                    values[_BOOL_WORDS[word]] = True
                elif value in _FALSE:
                    values[_BOOL_WORDS[word]] = False
                else:
                    raise ValueError(f"Fault {word!r} takes no value or on/off, not {value!r}.")
            elif word in _INT_WORDS:
                name = _INT_WORDS[word]
                values[name] = _BARE_VALUES[name] if not value else _parse_count(word, value)
            else:
                known = ", ".join(sorted({*_BOOL_WORDS, *_INT_WORDS}))
                raise ValueError(f"Unknown fault {word!r}; known faults: {known}.")
        submit_error = values.get("submit_error")
        if isinstance(submit_error, int) and not 400 <= submit_error <= 599:
            raise ValueError(f"submit-error must be an HTTP error status (400-599), not {submit_error}.")
        return cls(**values)  # type: ignore[arg-type]

    def merged(self, other: FaultConfig) -> FaultConfig:
        """These faults with ``other`` laid on top: whatever ``other`` switches on wins."""
        changes = {f.name: getattr(other, f.name) for f in fields(other) if getattr(other, f.name) != _DEFAULTS[f.name]}
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        """True when any fault is switched on."""
        return self != NO_FAULTS

    def to_text(self) -> str:
        """The text form that ``parse`` reads back; empty when no fault is on."""
        words = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value == _DEFAULTS[f.name]:
                continue
            word = _word_of(f.name)
            words.append(word if value is True else f"{word}={value}")
        return ",".join(words)

    def __str__(self) -> str:
        return self.to_text() or "none"


def _parse_count(word: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"Fault {word!r} needs a whole number, not {value!r}.") from None
    if number < 0:
        raise ValueError(f"Fault {word!r} cannot be negative.")
    return number


def _word_of(name: str) -> str:
    for table in (_BOOL_WORDS, _INT_WORDS):
        for word, field_name in table.items():
            if field_name == name:
                return word
    raise KeyError(name)


NO_FAULTS = FaultConfig()
_DEFAULTS = {f.name: getattr(NO_FAULTS, f.name) for f in fields(FaultConfig)}
