"""The catalogue is the single source of the event contracts (issue 17): every event type declares
who may publish it, and the NATS permissions in deploy/nats-accounts.conf (and its k8s copy), the
JSON Schemas and the AsyncAPI document are generated from it. These tests fail when a committed
generated file is stale, and show that generating keeps every hand-written line of the accounts
file. (That the committed schemas equal the models is tested in test_event_contract.py; that the
real server enforces these permissions, in tests/deploy/test_nats_security.py.)"""
from __future__ import annotations

import re
import shutil
from typing import Literal

import pytest

from ops.cli import main as coursegen
from shared.events import CATALOGUE, Event, Payload
from shared.events.asyncapi import asyncapi_document
from ops.contracts import (
    ACCOUNTS, ACCOUNTS_COPIES, BEGIN, END, ROOT, SCHEMAS, ContractError, check_publishers,
    events_published_by, generated_accounts, stale_contracts, with_generated_permissions, write_contracts,
)
from shared.events.publishers import GATEWAY, NATS_USERS, STAGE_SERVICES, by
from shared.events.subjects import ROOTS

STALE = "{path} is not what the catalogue generates: run `make contracts` and commit the result"


def regions(text: str) -> dict[str, set[str]]:
    """user -> the event types in its generated region, read from the file as nats-server would."""
    found: dict[str, set[str]] = {}
    for block in re.finditer(r"user:\s*(\w+)(.*?)" + re.escape(END), text, re.S):
        user, body = block.groups()
        region = body[body.index(BEGIN):]
        roots = "|".join(map(re.escape, ROOTS))
        found[user] = set(re.findall(rf'"(?:{roots})\.\*\.(\w+)"', region))
    return found


def hand_written(text: str) -> list[str]:
    """The lines outside the generated regions."""
    kept, inside = [], False
    for line in text.split("\n"):
        if line.strip() in (BEGIN, END):
            inside = line.strip() == BEGIN
        elif not inside:
            kept.append(line)
    return kept


@pytest.fixture
def checkout(tmp_path):
    """A copy of the generated files and their sources, to make stale."""
    for path in (ACCOUNTS, *ACCOUNTS_COPIES):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    shutil.copytree(ROOT / SCHEMAS, tmp_path / SCHEMAS)
    return tmp_path


# --- the committed files --------------------------------------------------------------------------
def test_no_generated_file_is_stale():
    for path, text in generated_accounts().items():
        assert (ROOT / path).read_text() == text, STALE.format(path=path)
    assert stale_contracts() == []


def test_coursegen_contracts_check_passes_on_the_repository(capsys):
    assert coursegen(["contracts", "--check"]) == 0
    assert "stale" not in capsys.readouterr().err


def test_each_user_may_publish_exactly_the_events_that_declare_it():
    committed = {path: regions((ROOT / path).read_text()) for path in (ACCOUNTS, *ACCOUNTS_COPIES)}
    for path, permitted in committed.items():
        assert set(permitted) == set(NATS_USERS), path
        for user in NATS_USERS:
            declared = {cls.type_name() for cls in CATALOGUE if user in cls.PUBLISHED_BY}
            assert permitted[user] == declared, f"{path}: {user}"
            for cls in CATALOGUE:  # each on its own root's subject
                if user in cls.PUBLISHED_BY:
                    assert f'"{cls.SUBJECT_ROOT}.*.{cls.type_name()}"' in (ROOT / path).read_text(), (path, cls)


def test_every_event_type_declares_sound_publishers():
    for cls in CATALOGUE:
        check_publishers(cls)  # raises on none, an unknown user, or a command not from the gateway
    lifecycle = {"StageStarted", "StageProgressed", "StageFailed"}
    for user in STAGE_SERVICES:
        assert lifecycle <= {cls.type_name() for cls in events_published_by(user)}, user
    assert "StageFailed" in {cls.type_name() for cls in events_published_by(GATEWAY)}, "the watchdog"


def test_asyncapi_names_the_declared_publishers_of_every_event():
    operations = asyncapi_document()["operations"]
    for cls in CATALOGUE:
        append = operations[f"append{cls.type_name()}"]
        assert append["action"] == "send"
        assert set(append["x-publishers"]) == cls.PUBLISHED_BY
    assert "by every stage service and the gateway" in operations["appendStageFailed"]["summary"]
    assert operations["appendRepoCloned"]["summary"].endswith("by the repo_clone service")


def test_stage_retried_is_gone_everywhere():
    """A retry is the stage's request again with payload.retry_of; no StageRetried is declared,
    published as a schema, or permitted."""
    assert "StageRetried" not in {cls.type_name() for cls in CATALOGUE}
    assert not list((ROOT / SCHEMAS).glob("StageRetried.*"))
    for path in (ACCOUNTS, *ACCOUNTS_COPIES):
        assert "StageRetried" not in (ROOT / path).read_text()


# --- the generator --------------------------------------------------------------------------------
def test_a_stale_region_or_copy_is_found_and_writing_repairs_only_the_regions(checkout, capsys):
    deployed = checkout / ACCOUNTS
    original = deployed.read_text()
    stale = original.replace('"course.*.PathwaysGenerated",', '"course.*.PathwaysGenerated", "course.*.StageRetried",')
    assert stale != original
    deployed.write_text(stale)
    k8s = checkout / ACCOUNTS_COPIES[0]
    k8s.write_text(k8s.read_text().replace('"course.*.CourseDeleted",', ""))
    (checkout / SCHEMAS / "CourseCreated.v1.schema.json").write_text("{}\n")
    assert set(stale_contracts(checkout)) == {ACCOUNTS, *ACCOUNTS_COPIES, SCHEMAS / "CourseCreated.v1.schema.json"}

    write_contracts(checkout)
    assert stale_contracts(checkout) == []
    assert deployed.read_text() == original == k8s.read_text()
    assert hand_written(deployed.read_text()) == hand_written(stale)


def test_generating_is_idempotent_and_keeps_every_hand_written_line():
    text = (ROOT / ACCOUNTS).read_text()
    generated = with_generated_permissions(text)
    assert with_generated_permissions(generated) == generated
    assert hand_written(generated) == hand_written(text)
    assert any('"$JS.API.STREAM.DELETE.>"' in line for line in hand_written(generated)), "the deny lists"


def test_a_user_without_a_region_is_a_clear_error():
    text = (ROOT / ACCOUNTS).read_text()
    start = text.index("user: pathway")
    begin = text.index(BEGIN, start)
    end = text.index(END, begin) + len(END)
    with pytest.raises(ContractError, match=r"no generated region for \['pathway'\]"):
        with_generated_permissions(text[:begin] + text[end:])
    with pytest.raises(ContractError, match="has no '# END generated' line"):
        with_generated_permissions(text[:end - len(END)] + text[end:])
    with pytest.raises(ContractError, match="without a"):
        with_generated_permissions(text[:begin] + text[begin + len(BEGIN):])


def test_a_missing_accounts_file_is_a_clear_error(tmp_path):
    with pytest.raises(ContractError, match="give the root of a coursegen checkout"):
        stale_contracts(tmp_path)


def test_an_event_without_sound_publishers_is_refused():
    class Undeclared(Event):
        event_type: Literal["Undeclared"] = "Undeclared"
        payload: Payload

    class StageCommand(Event):
        COMMAND = True
        PUBLISHED_BY = by("pathway")
        event_type: Literal["StageCommand"] = "StageCommand"
        payload: Payload

    with pytest.raises(ContractError, match="Undeclared declares no publisher"):
        check_publishers(Undeclared)
    with pytest.raises(ContractError, match="only the gateway appends commands"):
        check_publishers(StageCommand)
    with pytest.raises(ValueError, match="publishers must be some of"):
        by("pathways")
    with pytest.raises(ContractError, match="not a NATS user"):
        events_published_by("nobody")
