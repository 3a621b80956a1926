"""A page's kind comes from evidence every book shares, not from one book's subject: an upgrade guide
or a page headed "Packaging …" gets no kind of its own (issue 50 removed the rules one book's score
had added), a guide named so stays a guide, and "Packages" as a noun ("Third-party packages") is no
task."""
from __future__ import annotations


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


def test_an_upgrade_guide_is_read_by_its_evidence_like_any_guide():
    assert doc_type("docs/upgrade-guides.md", UPGRADE) == doc_type("docs/user-guides.md", UPGRADE)


def test_a_guide_about_something_else_stays_a_guide():
    assert doc_type("docs/user-guide.md", UPGRADE.replace("Upgrade Guides", "User Guide")) == "guide"


def test_packages_as_a_noun_are_no_task():
    third_party = PACKAGING.replace("# Packaging Entry Points", "# Third-party Packages").replace(
        "## Installation", "## Output")
    assert doc_type("docs/entry-points.md", third_party) == "example"
