"""The person's page: who they are, each concern from beginning to end, and their documents."""
