"""``python -m videostudio.team``: the team's members from the command line (see ``command_line.py``)."""

from videostudio.team.command_line import main

raise SystemExit(main())
