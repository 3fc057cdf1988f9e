"""MSP Desktop core: records, practice rules, the encrypted workspace, the person's
documents, bundles, the office side and the operations the command line and app share.

This package never imports Qt; the desktop application lives in ``ui``. Requirement
numbers cited in docstrings (S1-S25) are defined in ``docs/security.md``; easy-read and
large-print rules (E1-E22, L1-L19) in ``docs/easy-read.md``; the practice the records
follow in ``docs/practice.md``; Welsh wording and its grades in ``docs/welsh.md``.
"""

__version__ = "0.1.0"
