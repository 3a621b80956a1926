"""Pages that walk a reader through a task are how-tos (issue 19), whatever else their name or code
suggests, so a book without its navigation reads them among its first steps, as Click's authors
list them with its how-to guides:
- an upgrade or migration guide moves a project to a new version; "guide" in its name does not make
  it a general guide;
- a page headed "Packaging …" packages an application for installation (Click's entry-points.md,
  "Packaging Entry Points", read as an example by its share of code and went 16th of 38 instead of
  4th). "Packages" as a noun ("Third-party packages") is no task."""
from __future__ import annotations

import pytest

from tests.support.doc_types import doc_type

UPGRADE = ("# Upgrade Guides\n\nVersion 9.0 removes what 8.x deprecated. The notes below give a brief "
           "explanation of each removal and what to write instead.\n\n## Version 9.0\n\nThe parser no "
           "longer accepts the old option names; the new names have worked since 8.0.\n")

# Click's entry-points.md in short: a title naming the task, a project layout, a pyproject.toml and
# the commands that install it — more code than prose.
PACKAGING = """# Packaging Entry Points

It's recommended to write command line utilities as installable packages with entry points
instead of telling users to run `python hello.py`.

## Project Files

```
project/
    src/
        hello.py
    pyproject.toml
```

```python
import click

@click.command()
def cli():
    click.echo("Hello World!")
```

```toml
[project]
name = "hello"
version = "1.0.0"
dependencies = ["click"]

[project.scripts]
hello = "hello:cli"
```

## Installation

```console
$ python -m venv .venv
$ . .venv/bin/activate
$ pip install --editable .
$ hello
Hello World!
```
"""


@pytest.mark.parametrize("path", ["docs/upgrade-guides.md", "docs/upgrading.md", "docs/migration.md",
                                  "docs/migrating-from-v1.md"])
def test_an_upgrade_or_migration_guide_is_a_how_to(path):
    assert doc_type(path, UPGRADE) == "how-to"


def test_a_guide_about_something_else_stays_a_guide():
    assert doc_type("docs/user-guide.md", UPGRADE.replace("Upgrade Guides", "User Guide")) == "guide"


def test_a_page_headed_packaging_is_a_how_to_though_it_is_mostly_code():
    assert doc_type("docs/entry-points.md", PACKAGING) == "how-to"


def test_packages_as_a_noun_are_no_task():
    third_party = PACKAGING.replace("# Packaging Entry Points", "# Third-party Packages").replace(
        "## Installation", "## Output")
    assert doc_type("docs/entry-points.md", third_party) == "example"
