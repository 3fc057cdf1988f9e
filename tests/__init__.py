"""The tests. Requirement numbers in their docstrings (S1-S25) are defined in
``docs/security.md``; easy-read and large-print rules (E1-E22, L1-L19) in
``docs/easy-read.md``."""
