"""Who may see a cohort, and the learner behind a request: a cohort answers 404 alike for unknown and
someone else's; a person's membership is found through their reference in the key store."""
from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Path
from pydantic import AfterValidator

from shared.text import clean_text

from .deps import ContainerDep, PrincipalDep

COHORT_NOT_FOUND = "cohort not found"
CohortId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="the cohort id")]
UserIdPath = Annotated[str, AfterValidator(clean_text), Path(min_length=1, max_length=256,
                                                             description="the identity provider's subject")]



async def managed_cohort(c: ContainerDep, who: PrincipalDep, cohort_id: str, mentors: bool = False) -> dict:
    """The cohort's row if the caller owns it, is an admin, or (`mentors`) mentors it; else 404."""
    cohort = await c.cohorts.cohort(cohort_id)
    if cohort is not None and (who.is_admin or cohort["owner_id"] == who.user_id):
        return cohort
    if cohort is not None and mentors:
        if await c.cohorts.role_in(cohort_id, await c.people.ref_of(who.user_id)) == "mentor":
            return cohort
    raise HTTPException(404, COHORT_NOT_FOUND)
