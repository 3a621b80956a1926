"""A module is written from its own documents alone (issue 44, item 5): on a real documentation
tree, changing one page leaves every module that cites none of it identical, plan and content, even
when it is written again rather than reused — wrong answers drawn from the rest of the course made
such modules change with every edit elsewhere."""
import shutil
from pathlib import Path

import pytest

from tests.support.offline_course import course_of_checkout

FLASK = Path(__file__).parents[1] / "fixtures" / "ordered_books" / "flask"
ADDED = ("\n\nWidgets\n=======\n\nA widget is a small reusable part of an application. To add a widget, "
         "run ``flask widget add NAME``. Widgets hold their own configuration.\n")


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    root = tmp_path_factory.mktemp("flask") / "flask"
    shutil.copytree(FLASK, root)
    return root, course_of_checkout(root)


@pytest.mark.parametrize("changed", ["docs/patterns/index.rst", "docs/quickstart.rst", "docs/api.rst"])
def test_changing_one_page_leaves_every_module_that_cites_none_of_it_identical(before, tmp_path, changed):
    root, course = before
    edited = tmp_path / "flask"
    shutil.copytree(root, edited)
    (edited / changed).write_text((edited / changed).read_text() + ADDED)
    after = course_of_checkout(edited)

    written_before = {tuple(spec.documents): (spec, content) for spec, content in zip(course.specs, course.contents)}
    written_after = {tuple(spec.documents): (spec, content) for spec, content in zip(after.specs, after.contents)}
    untouched = [documents for documents in written_before if changed not in documents]
    assert untouched and len(untouched) < len(written_before)
    for documents in untouched:
        assert written_after.get(documents) == written_before[documents], documents
