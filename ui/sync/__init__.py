"""The sync page: where every record stands on its way to the office, export to a
folder, the office's receipts, and the one-off set-up (office keys, enrolment)."""
