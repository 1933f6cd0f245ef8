"""Every helper endpoint the offline backend answers, one route each: ``ASSIST_ROUTES[(method, path)]``.

Each part adds its own module beside this one and one line here.
"""

from __future__ import annotations

from videostudio.offline.assist import AssistRoute

ASSIST_ROUTES: dict[tuple[str, str], AssistRoute] = {}
