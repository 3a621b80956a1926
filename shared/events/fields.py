"""Fields several events declare alike (shared/events/catalogue.py lists the events)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

Stage = Literal["stage1", "stage2", "stage3", "stage4"]
Title = Field(min_length=1, max_length=200)
# A run's spending cap in USD (shared/llm/budget.py): the stage stops before a provider call that
# could cross it. None: no cap.
BUDGET_USD = Field(default=None, ge=0, le=1_000_000,
                   description="stop before a provider call that could take the run's cost past this")
Description = Field(default="", max_length=5000)
# A course's language, a BCP 47 tag checked by the gateway (shared/language.py). None: the sources'.
Language = Field(default=None, min_length=2, max_length=64,
                 description="BCP 47 tag of the language the course is written in; none: its sources' language")
