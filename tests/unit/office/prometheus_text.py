"""A strict reader of the Prometheus text exposition format (version 0.0.4), for tests.

prometheus_client is not part of the office extra, so the tests read ``/v1/metrics``
with this instead: every line must be a ``# HELP``, a ``# TYPE`` or a sample of a
family declared before it; names, labels (with their escapes) and values must be
well formed; a histogram's buckets must be cumulative and end in ``+Inf`` equal to its
``_count``. Anything else raises ``ValueError`` naming the line.
"""

from __future__ import annotations

import math
import re

__all__ = ["Samples", "parse"]

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
_SAMPLE = re.compile(rf"^({_NAME})(\{{[^}}]*\}})? (\S+)$")
_KINDS = {"counter", "gauge", "histogram", "summary", "untyped"}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _labels(text: str, line: str) -> frozenset[tuple[str, str]]:
    inner = text[1:-1]
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(inner):
        match = _LABEL.match(inner, position)
        if match is None:
            raise ValueError(f"bad labels in: {line}")
        value = re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m[1], m[1]), match[2])
        found.append((match[1], value))
        position = match.end()
        if position < len(inner):
            if inner[position] != ",":
                raise ValueError(f"bad labels in: {line}")
            position += 1
    if len({name for name, _ in found}) != len(found):
        raise ValueError(f"a label twice in: {line}")
    return frozenset(found)


def _value(text: str, line: str) -> float:
    if text in ("NaN", "+Inf", "-Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", text):
        raise ValueError(f"bad value in: {line}")
    return float(text)


def parse(text: str) -> tuple[Samples, dict[str, str]]:
    """The samples and each family's type; ``ValueError`` for anything malformed."""
    if not text.endswith("\n"):
        raise ValueError("the exposition must end with a newline")
    kinds: dict[str, str] = {}
    helps: set[str] = set()
    samples: Samples = {}
    for line in text[:-1].split("\n"):
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            if not re.fullmatch(_NAME, name) or name in helps:
                raise ValueError(f"bad or repeated HELP: {line}")
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in _KINDS or parts[2] in kinds:
                raise ValueError(f"bad or repeated TYPE: {line}")
            kinds[parts[2]] = parts[3]
            continue
        match = _SAMPLE.match(line)
        if match is None:
            raise ValueError(f"not a sample: {line!r}")
        name, labels = match[1], _labels(match[2] or "{}", line)
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        if name not in kinds and kinds.get(family) not in ("histogram", "summary"):
            raise ValueError(f"a sample of an undeclared family: {line}")
        key = (name, labels)
        if key in samples:
            raise ValueError(f"a sample twice: {line}")
        samples[key] = _value(match[3], line)
    for family, kind in kinds.items():
        if kind == "histogram":
            _check_histogram(family, samples)
    return samples, kinds


def _check_histogram(family: str, samples: Samples) -> None:
    buckets = sorted(
        (float(dict(labels)["le"].replace("+Inf", "inf")), value)
        for (name, labels), value in samples.items()
        if name == f"{family}_bucket"
    )
    if not buckets or not math.isinf(buckets[-1][0]):
        raise ValueError(f"{family} has no +Inf bucket")
    counts = [value for _, value in buckets]
    if counts != sorted(counts):
        raise ValueError(f"{family}'s buckets are not cumulative")
    if counts[-1] != samples[(f"{family}_count", frozenset())]:
        raise ValueError(f"{family}'s +Inf bucket is not its count")
    if (f"{family}_sum", frozenset()) not in samples:
        raise ValueError(f"{family} has no _sum")


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (``KeyError`` if there is none)."""
    return samples[(name, frozenset(labels.items()))]
