"""MSP Desktop core: records, practice rules and the encrypted workspace.

This package never imports Qt; the desktop application lives in ``ui``.
"""

__version__ = "0.1.0"
