"""Documents in the desktop app: the safe-copy check, the preview, printing, saving."""
