"""The learner's progress store (web/views/learn_progress.js) in Chromium, against a stand-in for the
gateway's /api/learn: it starts from the progress the gateway holds (option indexes shown as the
options' words), sends each read and answer (an option's words as its index, a self-marked short
answer as 0 right / 1 wrong), keeps what could not be sent in an outbox and sends it again with the
same client ids (when the page is back online, or the course is next opened), drops what the gateway
refuses for good, and sends what this browser's own reader remembered of a released module once."""
from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

from tests.support.web_modules import ORIGIN, module_page

USER = "lea@example.org"
COURSE = "course-1"
CHOICE = {"kind": "multiple_choice", "prompt": "Which?", "options": ["red", "green", "blue"], "answer": "green"}
SHORT = {"kind": "short_answer", "prompt": "Why?", "options": [], "answer": "Because."}


def module(n: int) -> dict:
    return {"module_id": f"m{n}", "position": n, "title": f"Module {n}",
            "content": {"title": f"Module {n}", "assessment": [CHOICE, SHORT]}}


class Gateway:
    """What the page's requests to /api/learn/courses/<id>/… reach: the progress held, the actions
    received (each client id counted once, as the gateway does), and how it answers POSTs now."""

    def __init__(self):
        self.progress: list[dict] = []
        self.received: list[dict] = []
        self.answer_with = 200  # or an error status, or "offline" (the request never arrives)

    @property
    def counted(self) -> dict[str, dict]:
        return {body["client_id"]: body for body in self.received}

    async def handle(self, route):
        request = route.request
        path = urlparse(request.url).path
        if request.method == "GET" and path == f"/api/learn/courses/{COURSE}/progress":
            await route.fulfill(status=200, content_type="application/json",
                                body=json.dumps({"course_id": COURSE, "modules": self.progress}))
            return
        if self.answer_with == "offline":
            await route.abort("internetdisconnected")
            return
        if self.answer_with != 200:
            await route.fulfill(status=self.answer_with, content_type="application/json",
                                body=json.dumps({"detail": "not now"}))
            return
        self.received.append({"kind": path.rsplit("/", 1)[1], **json.loads(request.post_data)})
        await route.fulfill(status=200, content_type="application/json", body=json.dumps({"recorded": True}))


OPEN = """async ([user, course, modules]) => {
  sessionStorage.setItem("coursegen.token", "t");
  const {learnerStore} = await import("/ui/views/learn_progress.js");
  window.pending = [];
  window.store?.dispose();
  window.modules = Object.fromEntries(modules.map((m) => [m.module_id, m]));
  window.store = await learnerStore(user, course, modules,
    {onPending: (count, problem) => window.pending.push([count, problem])});
  await window.store.flush();
  return modules.map((m) => ({id: m.module_id, read: window.store.isRead(m), answers: window.store.answers(m),
    score: window.store.score(m)}));
}"""


@pytest.fixture
async def tab(browser):
    gateway = Gateway()
    async with module_page(browser) as page:
        await page.route(f"{ORIGIN}/api/**", gateway.handle)
        yield page, gateway


async def open_course(page, modules: list[dict]) -> dict[str, dict]:
    return {m["id"]: m for m in await page.evaluate(OPEN, [USER, COURSE, modules])}


async def outbox(page) -> list[dict]:
    return await page.evaluate("(key) => JSON.parse(localStorage.getItem(key) || '[]')",
                               f"coursegen.learn.outbox.{USER.replace('@', '%40')}.{COURSE}")


async def test_progress_starts_from_the_gateway_and_each_action_is_sent_as_the_api_takes_it(tab):
    page, gateway = tab
    gateway.progress = [{"module_id": "m1", "position": 1, "read": True,
                         "answers": {"0": {"choice": 2, "correct": False}}}]
    shown = await open_course(page, [module(1), module(2)])
    assert shown["m1"]["read"] and not shown["m2"]["read"]
    assert shown["m1"]["answers"] == {"0": {"choice": "blue", "correct": False}}
    assert shown["m1"]["score"] == {"correct": 0, "answered": 1, "total": 2}
    assert gateway.received == []  # nothing new to send

    first = await page.evaluate("""async () => {
      const m1 = window.modules.m1, m2 = window.modules.m2;
      const again = window.store.markRead(m1);  // already read: nothing to send
      const first = window.store.markRead(m2);
      window.store.answer(m1, 1, {choice: "My own words", correct: true});
      window.store.answer(m2, 0, {choice: "green", correct: true});
      window.store.answer(m2, 1, {choice: "", correct: false});
      await window.store.flush();
      return {again, first, score: window.store.score(m2)};
    }""")
    assert first == {"again": False, "first": True, "score": {"correct": 1, "answered": 2, "total": 2}}
    assert [{k: v for k, v in r.items() if k != "client_id"} for r in gateway.received] == [
        {"kind": "read", "module_id": "m2"},
        {"kind": "answers", "module_id": "m1", "question": 1, "choice": 0},
        {"kind": "answers", "module_id": "m2", "question": 0, "choice": 1},
        {"kind": "answers", "module_id": "m2", "question": 1, "choice": 1},
    ]
    assert len(gateway.counted) == 4 and await outbox(page) == []
    assert await page.evaluate("window.pending.at(-1)") == [0, ""]


async def test_what_could_not_be_sent_is_sent_again_with_the_same_ids(tab):
    page, gateway = tab
    await open_course(page, [module(1), module(2)])
    gateway.answer_with = 503
    problem = await page.evaluate("""async () => {
      window.store.markRead(window.modules.m1);
      return window.store.flush();
    }""")
    assert problem == "failed" and gateway.received == []
    [waiting] = await outbox(page)
    assert await page.evaluate("window.pending.at(-1)") == [1, "failed"]

    # Unreachable: still waiting; back online, the "online" event sends it.
    gateway.answer_with = "offline"
    await page.evaluate("""async () => {
      window.store.answer(window.modules.m1, 0, {choice: "green", correct: true});
      await window.store.flush();
    }""")
    assert [a["client_id"] for a in await outbox(page)][0] == waiting["client_id"] and len(await outbox(page)) == 2
    gateway.answer_with = 200
    await page.evaluate("window.dispatchEvent(new Event('online'))")
    await page.wait_for_function("window.pending.at(-1)[0] === 0")
    assert [r["client_id"] for r in gateway.received][0] == waiting["client_id"]
    assert len(gateway.received) == 2 and await outbox(page) == []

    # A failure after the gateway had it (the answer lost on the way back): opening the course again
    # sends the same id, which the gateway counts once.
    gateway.answer_with = 503
    await page.evaluate("window.store.markRead(window.modules.m2); window.store.flush()")
    [lost] = await outbox(page)
    gateway.received.append({"kind": "read", "module_id": "m2", "client_id": lost["client_id"]})
    gateway.answer_with = 200
    gateway.progress = [{"module_id": "m2", "position": 2, "read": True, "answers": {}}]
    shown = await open_course(page, [module(1), module(2)])  # the course opened again
    assert shown["m2"]["read"]
    assert [r["client_id"] for r in gateway.received].count(lost["client_id"]) == 2
    assert len(gateway.counted) == 3 and await outbox(page) == []


async def test_what_the_gateway_refuses_for_good_is_dropped(tab):
    page, gateway = tab
    await open_course(page, [module(1)])
    gateway.answer_with = 409  # e.g. no longer released
    problem = await page.evaluate("window.store.markRead(window.modules.m1); window.store.flush()")
    assert problem == "" and await outbox(page) == [] and gateway.received == []


async def test_this_browsers_own_progress_is_sent_once_per_released_module(tab):
    page, gateway = tab
    local = {"modules": {
        "m1": {"hash": "h1", "read": True, "answers": {"0": {"choice": "red", "correct": False},
                                                       "1": {"choice": "words", "correct": True}}},
        "m2": {"hash": "h2", "read": False, "answers": {"0": {"choice": "not an option", "correct": False}}},
        "m3": {"hash": "h3", "read": True, "answers": {}},
    }}
    await page.evaluate("([key, value]) => localStorage.setItem(key, value)",
                        [f"coursegen.progress.{USER.replace('@', '%40')}.{COURSE}", json.dumps(local)])
    gateway.progress = [{"module_id": "m1", "position": 1, "read": False,
                         "answers": {"1": {"choice": 1, "correct": False}}}]  # the gateway's answer stays
    shown = await open_course(page, [module(1), module(2)])  # module 3 is not released yet
    assert shown["m1"]["read"] and shown["m1"]["answers"] == {"0": {"choice": "red", "correct": False},
                                                              "1": {"choice": "", "correct": False}}
    sent = [{k: v for k, v in r.items() if k != "client_id"} for r in gateway.received]
    assert sent == [{"kind": "read", "module_id": "m1"},
                    {"kind": "answers", "module_id": "m1", "question": 0, "choice": 0}]

    await open_course(page, [module(1), module(2)])
    assert len(gateway.received) == 2, "sent once"
    await open_course(page, [module(1), module(2), module(3)])  # a day later, module 3 is out
    assert [r["module_id"] for r in gateway.received[2:]] == ["m3"]
    await open_course(page, [module(1), module(2), module(3)])
    assert len(gateway.received) == 3
