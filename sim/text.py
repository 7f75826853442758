"""Words a planner reads, in English and Chinese.

A :class:`Text` is one phrase in both languages.  Levers and metrics carry their planner's name
as a ``Text`` beside their declaration (:class:`sim.steps.Lever`, :class:`sim.metrics.Metric`);
every other phrase of the report, the figures, the dashboard and the command line lives in
:mod:`analysis.i18n`, which also reads these names, so a test can check that no phrase lacks a
language.
"""

from __future__ import annotations

import dataclasses

#: The languages of every planner-facing phrase; the first is the default.
LANGUAGES = ("en", "zh")


@dataclasses.dataclass(frozen=True)
class Text:
    """One phrase in English and Chinese (Simplified)."""

    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        """The phrase in ``lang`` (``en`` or ``zh``)."""
        if lang not in LANGUAGES:
            raise ValueError(f"lang: got {lang!r}; allowed: {', '.join(LANGUAGES)}")
        return self.zh if lang == "zh" else self.en

    def missing(self) -> list[str]:
        """The languages this phrase lacks (empty or blank text)."""
        return [lang for lang in LANGUAGES if not getattr(self, lang).strip()]
