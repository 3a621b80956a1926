"""Edit as events: the author renames, edits, reorders, removes and merges modules of a written course,
undoes any edit, regenerates one module and writes a version now — through the real gateway, with
every stage service a real process (offline engine), a private nats-server and PostgreSQL. Each edit
shows in generated-course (the reader's source), in the history and in the next version's zip;
replaying the log answers the same; a refresh that rewrites an edited module keeps the edits on top
and says its sources changed under it."""
from __future__ import annotations

import pytest

from tests.support.editing import by_id, edit, history, order, presented, run_finished, zip_names, zip_text
from tests.support.flows import ALICE
from tests.support.gateway import auth
from tests.support.gitrepos import commit, loom_repository, make_repo
from tests.support.processes import stage_services
from tests.support.read_tables import replay_live
from tests.support.refreshing import refreshed, versions, written_course

LOOM = loom_repository(6, 20, 16)  # a pathway of several modules
BOB = auth("bob")


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
async def course(api, services, tmp_path) -> tuple[str, dict]:
    make_repo(tmp_path / "loom", LOOM)
    return await written_course(api, str(tmp_path / "loom"))


async def test_each_edit_shows_in_the_course_undo_restores_and_a_replay_answers_the_same(api, course):
    course_id, _ = course
    written = await presented(api, course_id)
    first, second, third, *rest = order(written)
    titles = {m["module_id"]: m["title"] for m in written["modules"]}

    renamed = await edit(api, "PATCH", course_id, f"modules/{second}", {"fields": {"title": "Setting up"}})
    await edit(api, "PATCH", course_id, f"modules/{first}",
               {"fields": {"introduction": "Start here.", "summary": "The author's summary."}})
    now = await presented(api, course_id)
    assert by_id(now)[second]["title"] == "Setting up" and by_id(now)[second]["content"]["title"] == "Setting up"
    assert by_id(now)[second]["edited"] and by_id(now)[second]["edited_fields"] == ["title"]
    assert by_id(now)[first]["content"]["summary"] == "The author's summary."
    assert by_id(now)[first]["content"]["sections"] == by_id(written)[first]["content"]["sections"]
    assert sorted(now["edited_modules"]) == sorted([first, second]) and not by_id(now)[third]["edited"]
    assert by_id(now)[second]["content_ref"] == by_id(written)[second]["content_ref"], "stored content untouched"

    reordered = [third, first, second, *rest]
    await edit(api, "POST", course_id, "modules/reorder", {"module_ids": reordered})
    assert order(await presented(api, course_id)) == reordered
    await edit(api, "POST", course_id, "modules/merge", {"into": first, "merged": [second], "title": "Basics"})
    merged = await presented(api, course_id)
    assert order(merged) == [third, first, *rest]
    basics = by_id(merged)[first]
    assert basics["title"] == "Basics" and basics["position"] == 2 and basics["merged"] == [second]
    sections = [s["title"] for s in basics["content"]["sections"]]
    assert sections == [s["title"] for m in (first, second) for s in by_id(written)[m]["content"]["sections"]]
    removal = await edit(api, "DELETE", course_id, f"modules/{third}")
    assert order(await presented(api, course_id)) == [first, *rest]

    entries = await history(api, course_id)
    assert [e["kind"] for e in entries] == ["removed", "merged", "reordered", "edited", "edited"]
    assert entries[-1]["words"] == f'module "{titles[second]}" renamed to "Setting up"'
    assert entries[-1]["actor"] == "alice" and entries[-1]["fields"] == ["title"] and not entries[-1]["undone"]

    await edit(api, "POST", course_id, f"edits/{removal['edit_id']}/undo")
    assert order(await presented(api, course_id)) == [third, first, *rest]
    again = await edit(api, "POST", course_id, f"edits/{removal['edit_id']}/undo", status=409)
    assert "already undone by alice" in again["detail"]
    undone = (await history(api, course_id))[0]
    assert undone["edit_id"] == removal["edit_id"] and undone["undone"] and undone["undone_by"]["actor"] == "alice"

    before = (await presented(api, course_id), await history(api, course_id))
    await replay_live(api)
    assert (await presented(api, course_id), await history(api, course_id)) == before

    for entry in await history(api, course_id):  # undo every edit: the course as stage 4 wrote it
        if not entry["undone"]:
            await edit(api, "POST", course_id, f"edits/{entry['edit_id']}/undo")
    back = await presented(api, course_id)
    assert [(m["module_id"], m["title"], m["content"]) for m in back["modules"]] == \
        [(m["module_id"], m["title"], m["content"]) for m in written["modules"]]
    assert back["edited_modules"] == [] and renamed["edit_id"] in {e["edit_id"] for e in await history(api, course_id)}


async def test_bad_edits_are_refused_naming_the_problem_and_bob_cannot_edit(api, course):
    course_id, _ = course
    first, second, *_ = order(await presented(api, course_id))

    async def refused(method: str, path: str, body: dict | None, status: int, says: str) -> None:
        answer = await edit(api, method, course_id, path, body, status=status)
        assert says in str(answer["detail"]), answer

    await refused("PATCH", f"modules/{first}", {"fields": {"colour": "red"}}, 422, "colour")
    await refused("PATCH", f"modules/{first}", {"fields": {"sections": [{"title": "no body"}]}}, 422,
                  "fields.sections.0.body_markdown")
    await refused("PATCH", f"modules/{first}", {"fields": {"key_points": "one"}}, 422, "fields.key_points")
    await refused("PATCH", f"modules/{first}", {"fields": {"title": ""}}, 422, "fields.title")
    await refused("PATCH", f"modules/{first}", {"fields": {}}, 422, "fields")
    huge_example = {"code": "'" + "a" * 65_535, "language": "python", "source": {"path": "docs/a.md"}}
    await refused("PATCH", f"modules/{first}", {"fields": {"code_examples": [huge_example]}}, 422,
                  "fields.code_examples.0.code: at most 20,000 characters")
    await refused("PATCH", "modules/no-such-module", {"fields": {"title": "x"}}, 404, "not in the course")
    await refused("POST", "modules/reorder", {"module_ids": [second, first]}, 422, "missing")
    await refused("POST", "modules/merge", {"into": first, "merged": [first]}, 422, "two different modules")
    await refused("POST", "modules/merge", {"into": first, "merged": ["nowhere"]}, 404, "nowhere")
    await refused("POST", "edits/no-such-edit/undo", None, 404, "no edit")
    await refused("POST", "modules/nowhere/regenerate", {}, 404, "nowhere")

    for method, path, body in (("PATCH", f"modules/{first}", {"fields": {"title": "Bob's"}}),
                               ("DELETE", f"modules/{first}", None), ("GET", "edits", None),
                               ("POST", "versions", None), ("POST", f"modules/{first}/regenerate", {})):
        await edit(api, method, course_id, path, body, headers=BOB, status=404)
    assert await history(api, course_id) == []

    # While stage 4 writes a version, the course is not edited: that version would miss the edit.
    started = await edit(api, "POST", course_id, "versions", status=202)
    await refused("PATCH", f"modules/{first}", {"fields": {"title": "Too soon"}}, 409, "stage 4 is writing")
    await run_finished(api, course_id, started["task_id"])

    created = await api.post("/api/projects/", json={"title": "Not written"}, headers=ALICE)
    unwritten = created.json()["course_id"]
    early = await edit(api, "PATCH", unwritten, f"modules/{first}", {"fields": {"title": "x"}}, status=409)
    assert "no version to edit" in early["detail"]


async def test_a_version_now_presents_the_edits_with_no_provider_call(api, course):
    course_id, _ = course
    first, second, *rest = order(await presented(api, course_id))
    await edit(api, "PATCH", course_id, f"modules/{second}", {"fields": {"title": "Setting up the loom"}})
    await edit(api, "POST", course_id, "modules/reorder", {"module_ids": [second, first, *rest]})
    before = by_id(await presented(api, course_id))

    started = await edit(api, "POST", course_id, "versions", status=202)
    await run_finished(api, course_id, started["task_id"])

    newest, _ = await versions(api, course_id)
    assert newest["version"] == 2 and newest["cost"]["calls"] == 0 and newest["cost"]["modules_written"] == 0
    assert 'Module 2 (' in newest["changes"][0] and 'renamed to "Setting up the loom" by alice' in newest["changes"][0]
    assert "Modules reordered by alice" in newest["changes"]
    after = await presented(api, course_id)
    assert order(after) == [second, first, *rest] and after["modules"][0]["title"] == "Setting up the loom"
    assert all(m["content_ref"] == before[m["module_id"]]["content_ref"] for m in after["modules"])
    data = (await api.get(newest["export"]["url"], headers=ALICE)).content
    assert zip_names(data, "markdown/modules/")[0] == "01-setting-up-the-loom.md"
    assert 'renamed to "Setting up the loom" by alice' in zip_text(data, "markdown/index.md")


async def test_regenerating_one_module_writes_only_it_and_edits_stay_unless_overwritten(api, course):
    course_id, _ = course
    first, second, *rest = order(await presented(api, course_id))
    await edit(api, "PATCH", course_id, f"modules/{first}", {"fields": {"summary": "Mine."}})
    before = by_id(await presented(api, course_id))

    kept = await edit(api, "POST", course_id, f"modules/{first}/regenerate", {}, status=202)
    assert kept["edits_stay"] == ["summary"] and "stay on top" in kept["message"]
    await run_finished(api, course_id, kept["task_id"])
    after = by_id(await presented(api, course_id))
    assert after[first]["content_ref"] != before[first]["content_ref"], "written anew"
    assert all(after[m]["content_ref"] == before[m]["content_ref"] for m in (second, *rest)), "the others reused"
    assert after[first]["content"]["summary"] == "Mine." and after[first]["edited_fields"] == ["summary"]
    newest = (await versions(api, course_id))[0]
    assert [m["module_id"] for m in newest["changelog"]["modules"]["regenerated"]] == [first]
    assert any("written anew as the author asked (the author's edits stay on top)" in line
               for line in newest["changes"])

    dropped = await edit(api, "POST", course_id, f"modules/{first}/regenerate", {"overwrite_edits": True},
                         status=202)
    assert len(dropped["undone"]) == 1 and dropped["edits_stay"] == []
    await run_finished(api, course_id, dropped["task_id"])
    module = by_id(await presented(api, course_id))[first]
    assert not module["edited"] and module["content"]["summary"] != "Mine."
    assert (await history(api, course_id))[0]["undone"]


async def test_edits_survive_a_refresh_that_rewrites_the_edited_module(api, course, tmp_path):
    course_id, chosen = course
    changed = "docs/step03.md"
    citing = [m["id"] for m in chosen["modules"] if changed in {d["path"] for d in m["documents"]}]
    edited = citing[0]
    await edit(api, "PATCH", course_id, f"modules/{edited}",
               {"fields": {"title": "Threads, edited", "introduction": "The author's introduction."}})
    commit(tmp_path / "loom", {changed: LOOM[changed] + "\n## Tension\n\nKeep the warp under even tension so "
                               "that the weft lies flat.\n"}, "document tension")

    ended = await refreshed(api, course_id)

    assert ended["status"] == "NEW_VERSION", ended
    module = by_id(await presented(api, course_id))[edited]
    assert module["title"] == "Threads, edited"
    assert module["content"]["introduction"] == "The author's introduction."
    assert any("even tension" in s["body_markdown"] for s in module["content"]["sections"]), "new text under it"
    newest = (await versions(api, course_id))[0]
    assert "sources changed under it" in newest["summary"]
    line = next(line for line in newest["changes"] if "its sources changed under it" in line)
    assert line.startswith(f"Module {[m['id'] for m in chosen['modules']].index(edited) + 1}, ")
    data = (await api.get(newest["export"]["url"], headers=ALICE)).content
    assert "its sources changed under it" in zip_text(data, "markdown/index.md")
    page = next(n for n in zip_names(data, "markdown/modules/") if "threads-edited" in n)
    assert "The author's introduction." in zip_text(data, f"markdown/modules/{page}")

    before = (await presented(api, course_id), await history(api, course_id))
    await replay_live(api)
    assert (await presented(api, course_id), await history(api, course_id)) == before
