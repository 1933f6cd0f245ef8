"""What the studio keeps: the finished videos and posters, the kept uploads, and chains of clips joined into one."""
