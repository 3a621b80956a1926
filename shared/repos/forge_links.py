"""Links to a repository's files at a commit, on the forges whose URLs are known (GitHub, GitLab): a
course's citations lead to the lines or the document they quote, as they were when it was made."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

FORGES = ("github.com", "gitlab.com")


def source_url(repo_url: str | None, commit: str | None, path: str, start: int | None = None,
               end: int | None = None) -> str | None:
    """The file (or its lines `start`–`end`) on the forge at the commit; None elsewhere (a local
    repository, an unknown forge, a URL with credentials)."""
    if not repo_url or not commit:
        return None
    parts = urlsplit(repo_url)
    if parts.scheme != "https" or not parts.netloc or "@" in parts.netloc or parts.netloc not in FORGES:
        return None
    base = f"https://{parts.netloc}{parts.path.removesuffix('/').removesuffix('.git')}"
    gitlab = parts.netloc == "gitlab.com"
    lines = ""
    if start is not None and end is not None:
        lines = f"#L{start}-{end}" if gitlab else f"#L{start}-L{end}"
    return f"{base}{'/-/blob/' if gitlab else '/blob/'}{commit}/{quote(path)}{lines}"
