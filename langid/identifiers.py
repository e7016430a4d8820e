"""Build the identifiers a run's ``langid`` settings ask for.

Why it exists: the step, the evaluation command and the benchmark must build exactly the same
model(s) from the same settings, including the rule that the ensemble is on by default whenever a
second identifier (heliport) is installed.
"""

from __future__ import annotations

from lingoloom.langid.backend import Identifier
from lingoloom.langid.fasttext_backend import FastTextIdentifier
from lingoloom.langid.heliport_backend import HeliportIdentifier, heliport_available
from lingoloom.schemas.langid import LangIdSettings


def build_primary(settings: LangIdSettings) -> Identifier:
    """The fastText model of the settings (lazy: nothing is loaded yet)."""
    return FastTextIdentifier(settings.model, settings.model_path, settings.download)


def build_secondary(settings: LangIdSettings) -> Identifier | None:
    """heliport when the ensemble is on (``on``), or ``auto`` and heliport is installed; else ``None``."""
    if settings.ensemble == "off":
        return None
    if settings.ensemble == "auto" and not heliport_available():
        return None
    return HeliportIdentifier()
