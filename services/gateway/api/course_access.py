"""How every course route names its course and makes sure the caller may see it."""
from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Path

from .deps import ContainerDep, PrincipalDep
from .projects import NOT_FOUND

COURSE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
CourseId = Annotated[str, Path(pattern=COURSE_ID_PATTERN)]


async def visible_course(c: ContainerDep, who: PrincipalDep, course_id: str) -> dict:
    """The course's row; 404 alike for unknown, deleted and someone else's, so nothing leaks."""
    row = await c.reader.get(course_id, who.user_id, who.is_admin)
    if row is None:
        raise HTTPException(404, NOT_FOUND)
    return row
