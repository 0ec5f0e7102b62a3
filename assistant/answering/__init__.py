"""Answering, in stages: understand → gather → score → decide → compose.

No language model: the answer is composed from the evidence sentences and clauses themselves, so a
figure is never rewritten. What retrieval found reaches the answer unless there is evidence against
it; one fitted function scores the evidence and calibrated thresholds decide.
"""

from __future__ import annotations

from .pipeline import Answerer
from .compose import Draft

__all__ = ["Answerer", "Draft"]
