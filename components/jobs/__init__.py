"""Jobs on the page: cards, words for a job, batches as groups, the job tray and its poller, the status line, Continue
from here and Copy as code.
"""
