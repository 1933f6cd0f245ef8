"""The exception tree and the HTTP answer → exception table stay complete (as httpx's tests/test_exceptions.py does).

A new ``APIError`` kind no status reaches, a status that gives no hint, or a class missing from the tree drawn in
``videostudio/api/errors.py``'s docstring fails here.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from videostudio.api import errors
from videostudio.api.errors import APIError, StudioError
from videostudio.api.http_errors import STATUS_BUILDERS, error_from_response


def _every_subclass(root: type) -> set[type]:
    found: set[type] = set()
    for sub in root.__subclasses__():
        found |= {sub, *_every_subclass(sub)}
    return found


STUDIO_ERRORS = {cls for cls in _every_subclass(StudioError) if cls.__module__ == errors.__name__} | {StudioError}
ERROR_STATUSES = range(400, 600)


def test_every_api_error_kind_is_what_some_status_gives() -> None:
    reached = {type(error_from_response(status, {}, {})) for status in ERROR_STATUSES}
    api_errors = {cls for cls in STUDIO_ERRORS if issubclass(cls, APIError)}
    assert api_errors - reached == set()


def test_each_api_error_kind_is_given_for_its_own_status() -> None:
    for cls in (cls for cls in STUDIO_ERRORS if issubclass(cls, APIError) and cls is not APIError):
        assert type(error_from_response(cls.default_status_code, {}, {})) is cls


@pytest.mark.parametrize("status", ERROR_STATUSES)
def test_every_error_status_gives_plain_words_and_what_to_do(status: int) -> None:
    error = error_from_response(status, {}, {})
    assert isinstance(error, APIError) and error.status_code == status
    assert error.message and error.hint and "Traceback" not in str(error)


def test_the_table_names_only_error_statuses_and_each_gives_an_api_error() -> None:
    assert set(STATUS_BUILDERS) <= set(ERROR_STATUSES)
    for status, build in STATUS_BUILDERS.items():
        assert isinstance(error_from_response(status, {}, {}), APIError), build


def test_the_tree_in_the_docstring_draws_every_error_under_its_parent() -> None:
    tree = textwrap.dedent((errors.__doc__ or "").split("::", 1)[1])
    depth_of: dict[str, int] = {}
    parents: list[str] = []
    for line in tree.splitlines():
        match = re.match(r"^[\s│├└─]*([A-Z]\w+)", line)
        if not match:
            continue
        name, depth = match.group(1), match.start(1) // 4
        parents = [*parents[:depth], name]
        depth_of[name] = depth
        if depth:
            assert issubclass(getattr(errors, name), getattr(errors, parents[depth - 1])), name
    assert set(depth_of) == {cls.__name__ for cls in STUDIO_ERRORS}
