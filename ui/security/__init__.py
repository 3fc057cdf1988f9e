"""Security behaviour of the desktop app, each piece in one tested place."""
