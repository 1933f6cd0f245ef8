"""Jobs from press to end: the job service, submissions and batches, the poll schedule, the backends, lost-answer
recovery, and the follower.
"""
