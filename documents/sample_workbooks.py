"""The sample unit's workbooks, as a Kasubbag or a Tim Kerja member would upload them: the
sample data of ``domain.samples`` written with the bot's own workbook layout."""

from __future__ import annotations

from collections.abc import Iterable

from documents.workbooks import realisation_workbook, targets_workbook
from domain.samples import sample_indicators, sample_profile, sample_realisations
from domain.targets_import import rows_by_code


def sample_targets_workbook() -> bytes:
    """The sample targets as the .xlsx workbook a Kasubbag would upload."""
    return targets_workbook(sample_indicators(), sample_profile())


def sample_realisation_workbook(triwulan: int, codes: Iterable[str] | None = None) -> bytes:
    """A member's data workbook for ``codes`` (default: all), filled with the sample values:
    what the demo's Tim Kerja member uploads."""
    wanted = set(codes) if codes is not None else None
    indicators = [i for i in sample_indicators() if wanted is None or i.code in wanted]
    return realisation_workbook(
        indicators, triwulan, filled=rows_by_code(sample_realisations(triwulan))
    )
