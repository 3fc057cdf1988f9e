"""The operations a person performs, shared by the ``msp`` command line and the desktop app.

Each operation is transaction-sized: it takes an open ``Workspace`` (on the app's
database thread, or in a command), does one thing a worker asked for, and returns a
plain value saying what happened. This is the only layer that combines the store with
the person's documents, bundle files and the network:

- ``documents``: the person's copy after the safety question, the office record, the
  feedback form; saving one as a file;
- ``office_keys``: trusting an office (its signed keys file) and enrolling this device;
- ``export``: bundles to a folder (a USB stick), and the office's receipts back;
- ``network_sync``: bundles to the office's inbox over HTTPS, receipts in the answers;
- ``files``: reading the small files these take and saying in words why a folder
  refused one.

The command line prints what comes back; the app shows it. Neither rebuilds an
operation of its own.
"""
