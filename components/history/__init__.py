"""The History page's parts: its views, filters, table, gallery, the job dialog, spending, exports and Join clips."""
