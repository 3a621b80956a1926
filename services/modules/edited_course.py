"""The course a version's export presents: the modules stage 4 wrote with the author's edits on top
(shared/course_edits.py decides how, for the gateway and here alike). Pure."""
from __future__ import annotations

import logging
from typing import Sequence

from pydantic import ValidationError

from shared.course_edits import Edit, active, apply_edits

from .models import ModuleContent, ModuleSpec

log = logging.getLogger(__name__)


def presented_modules(written: Sequence[tuple[ModuleSpec, ModuleContent]],
                      edits: list[Edit]) -> Sequence[tuple[ModuleSpec, ModuleContent]]:
    """Each module of the presented course with its spec renumbered in the new order; a module that
    took others in (a merge) lists their documents too, so links to them lead to it. Without edits,
    `written` itself (read as the export asks: it may lie on disk); with them, a list."""
    if not active(edits):
        return written  # what stage 4 wrote, as it wrote it
    by_id = {spec.module_id: (spec, content) for spec, content in written}
    presented = apply_edits([(spec.module_id, content.model_dump(mode="json")) for spec, content in written], edits)
    found = []
    for position, module in enumerate(presented, start=1):
        spec, content = by_id[module.module_id]
        if module.edited:
            try:
                content = ModuleContent.model_validate(module.content)
            except ValidationError as exc:  # the gateway checks every edit: only an older edit could be off
                log.warning("the edits of module %s do not make valid content (%s); its text stays as written",
                            module.module_id, exc.errors()[0]["msg"])
        taken = [by_id[m][0] for m in module.merged if m in by_id]
        update = {"position": position}
        if "title" in module.edited_fields:
            update["title"] = content.title
        if taken:
            update["documents"] = list(dict.fromkeys([*spec.documents, *(p for t in taken for p in t.documents)]))
            update["estimated_minutes"] = spec.estimated_minutes + sum(t.estimated_minutes for t in taken)
        found.append((spec.model_copy(update=update), content))
    return found
