"""``python -m videostudio.offline --port N``: run the offline backend in the foreground."""

import sys

from videostudio.offline.server import main

sys.exit(main())
