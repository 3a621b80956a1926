"""Local git repositories built by the tests."""
from __future__ import annotations

import subprocess
from pathlib import Path

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def git(repo: Path, *args: str) -> str:
    import os

    result = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV})
    return result.stdout.strip()


def write_files(repo: Path, files: dict[str, str | bytes]) -> None:
    for path, content in files.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())


def make_repo(repo: Path, files: dict[str, str | bytes], message: str = "initial") -> str:
    """A repository on branch main with `files` committed; returns the commit sha."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return commit(repo, files, message)


def commit(repo: Path, files: dict[str, str | bytes], message: str) -> str:
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


DOCS_REPO = {
    "README.md": "# Widget\n\nWidget makes widgets. Start with the [guide](docs/guide/install.md).\n",
    "mkdocs.yml": "site_name: Widget\nnav:\n  - Home: index.md\n  - Guide:\n    - guide/install.md\n"
                  "    - guide/usage.md\n  - Reference: reference/api.md\n",
    "docs/index.md": "# Widget documentation\n\nWelcome.\n",
    "docs/guide/install.md": "# Install\n\nRun `pip install widget`.\n",
    "docs/guide/usage.md": "# Usage\n\nCall `widget.make()`.\n",
    "docs/reference/api.md": "# API\n\n## make()\n\nMakes a widget.\n",
    "docs/reference/README.md": "# Reference\n",
    "src/widget.py": "def make():\n    return 'widget'\n",
}
