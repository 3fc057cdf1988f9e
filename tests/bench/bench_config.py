"""The benchmark's settings: the fictional worker, the seed, the targets and the run sizes."""

from __future__ import annotations

PASSPHRASE = "bench horse battery staple"
WORKER = "Bench Worker"
SEED = 20261126

# What the store is asked to achieve: encrypted within 25% of plain SQLite, a search
# that keeps up with typing, a draft save the worker never waits for, and an unlock
# that feels instant.
TARGETS: dict[str, float] = {
    "encrypted_vs_plain_ratio": 1.25,
    "search_p95_ms": 30,
    "save_p95_ms": 15,
    "unlock_s": 1.0,
}

FULL = {"people": 10_000, "concerns": 2_000, "visits": 20_000, "samples": 300, "unlock_runs": 5}
QUICK = {"people": 200, "concerns": 40, "visits": 400, "samples": 20, "unlock_runs": 2}

# Rows per load transaction: big enough that fsync is not the cost of loading.
LOAD_BATCH = 2_000
WARMUP_ROUNDS = 10
