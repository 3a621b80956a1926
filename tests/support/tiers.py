"""The test tiers: each folder of tests/ and the marker its tests carry (tests/conftest.py marks
them; `pytest -m <tier>` runs one tier alone). README's Tests section says what each holds."""
from __future__ import annotations

TIER_OF_FOLDER = {"unit": "unit", "integration": "integration", "observability": "integration",
                  "contract": "integration", "deploy": "integration", "e2e": "e2e", "browser": "browser",
                  "faults": "faults"}
