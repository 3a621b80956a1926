"""A repository token a request brings (stage 1, a refresh): checked without echoing it, then sealed
into the secret store; only its key travels in events."""
from __future__ import annotations

from fastapi import HTTPException
from pydantic import SecretStr

from shared.text import clean_text

from .deps import ContainerDep


def check_token(token: SecretStr | None) -> None:
    """422 for a token that is no clean text. Checked here, not in the model: a validation error
    would echo it."""
    if token is None:
        return
    try:
        clean_text(token.get_secret_value())
    except ValueError as exc:
        raise HTTPException(422, f"token: {exc}") from None


async def sealed_token(c: ContainerDep, course_id: str, token: SecretStr | None) -> str | None:
    """The KV key of the sealed token, or None without one."""
    return await c.secrets.keep(course_id, token.get_secret_value()) if token else None
