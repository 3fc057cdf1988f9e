"""The caseload: everyone the worker supports, searchable, with when each next visit is due."""
