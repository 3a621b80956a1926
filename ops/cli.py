"""`coursegen`: run the system, mint development tokens, replay the read tables, export schemas,
and operate a running gateway (generate a course, status, events, stage retry, dead letters, refresh,
versions, fork)."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from shared.export_formats import DEFAULT_FORMAT, FORMATS


async def _replay(from_seq: int | None) -> None:
    import asyncpg

    from shared.bus.connection import connect

    from services.gateway.projection.replay import replay, reproject_from
    from services.gateway.settings import GatewaySettings

    from .data_folder import development_secret, running_system

    runtime = running_system()
    os.environ.setdefault("NATS_URL", runtime.get("nats_url", "nats://127.0.0.1:4222"))
    if "database_url" in runtime:
        os.environ.setdefault("DATABASE_URL", runtime["database_url"])
    os.environ.setdefault("JWT_SECRET", development_secret())
    settings = GatewaySettings()
    nc = await connect(settings.nats_url, "replay")
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        if from_seq is None:
            report = await replay(nc.jetstream(), pool, settings.read_schema, settings.stream_name,
                                  settings.database_url)
            print(f"replayed {report.stream_seq} events into schema {report.schema} "
                  f"in {report.seconds:.2f}s")
        else:
            report = await reproject_from(nc.jetstream(), pool, settings.read_schema, from_seq,
                                          settings.stream_name)
            print(f"applied events {from_seq}..{report.stream_seq} again to schema {report.schema} "
                  f"in {report.seconds:.2f}s")
    finally:
        await pool.close()
        await nc.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the whole system locally")
    token = commands.add_parser("token", help="print a development token")
    token.add_argument("user", nargs="?", help="the user id (default: dev)")
    token.add_argument("--user-id", help="the same, as an option")
    replay = commands.add_parser("replay", help="rebuild the read tables from the event log")
    replay.add_argument("--from-seq", type=int, metavar="N",
                        help="instead of a rebuild, apply the log again from stream sequence N "
                             "into the live tables (after a projection fix for later events)")
    commands.add_parser("secrets-key", help="print a new key pair for sealing repository tokens "
                                            "(SECRETS_KEY for repo_clone, SECRETS_PUBLIC_KEY for the gateway)")
    schemas = commands.add_parser("schemas", help="export the JSON Schema of every event")
    schemas.add_argument("--out", type=Path, default=Path("shared/events/schemas"))
    contracts = commands.add_parser("contracts", help="write what is generated from the event catalogue: the "
                                                      "JSON Schemas and the event permissions of the NATS users")
    contracts.add_argument("--check", action="store_true", help="write nothing; fail if a generated file is stale")
    commands.add_parser("nats-url", help="print the NATS URL of the system `coursegen run` (make run) is running "
                                         "on this data folder, to subscribe to course events")
    _operator_commands(commands)
    args = parser.parse_args(argv)
    if args.command in OPERATOR_COMMANDS:
        return _operate(args)

    if args.command == "run":
        from .launcher import run

        return run()
    if args.command == "nats-url":
        return _nats_url()
    if args.command == "token":
        from services.gateway.edge.auth import development_token

        from .data_folder import development_secret

        print(development_token(development_secret(), _token_user(parser, args)))
        return 0
    if args.command == "secrets-key":
        from shared.sealing import new_private_key, public_key_of

        private = new_private_key()
        print(f"SECRETS_KEY={private}\nSECRETS_PUBLIC_KEY={public_key_of(private)}")
        return 0
    if args.command == "replay":
        if args.from_seq is not None and args.from_seq < 1:
            parser.error("--from-seq must be a stream sequence, 1 or more")
        asyncio.run(_replay(args.from_seq))
        return 0
    if args.command == "contracts":
        return _contracts(args.check)
    from shared.events.schemas import export_schemas

    for path in export_schemas(args.out):
        print(path)
    return 0


def _contracts(check: bool) -> int:
    from .contracts import ContractError, stale_contracts, write_contracts

    try:
        if not check:
            for path in write_contracts():
                print(path)
            return 0
        stale = stale_contracts()
    except ContractError as error:
        print(f"coursegen contracts: {error}", file=sys.stderr)
        return 2
    for path in stale:
        print(f"stale: {path} (run `make contracts`)", file=sys.stderr)
    return 1 if stale else 0


def _nats_url() -> int:
    from .data_folder import runtime_file, running_system

    url = running_system().get("nats_url")
    if not url:
        print(f"coursegen nats-url: no running system: {runtime_file()} is missing (start `make run`, "
              "or set COURSEGEN_DATA_DIR to its data folder)", file=sys.stderr)
        return 1
    print(url)
    return 0


def _token_user(parser: argparse.ArgumentParser, args) -> str:
    if args.user and args.user_id and args.user != args.user_id:
        parser.error(f"token: two different users given ({args.user!r} and --user-id {args.user_id!r})")
    return args.user or args.user_id or "dev"


OPERATOR_COMMANDS = ("generate", "status", "events", "stage", "dlq", "refresh", "versions", "fork", "export")


def _operator_commands(commands) -> None:
    def add(name: str, help: str):
        command = commands.add_parser(name, help=help)
        command.add_argument("--url", help="the gateway (default: COURSEGEN_URL, else the local `make run`)")
        command.add_argument("--token", help="a bearer token (default: COURSEGEN_TOKEN, else a development token)")
        return command
    generate = add("generate", "take a repository to a downloaded course with the default choices")
    generate.add_argument("repo")
    generate.add_argument("--folders", nargs="+", default=["."], help="folders to select (default: all)")
    generate.add_argument("--out", type=Path, default=Path("."), help="where to write the course")
    generate.add_argument("--format", choices=list(FORMATS), default=DEFAULT_FORMAT,
                          help="the export format (default: the zip of Markdown and site)")
    generate.add_argument("--yes", "-y", action="store_true", help="start stages 2 and 4 without asking "
                          "(their cost estimate is still shown)")
    add("status", "every stage of a course").add_argument("course_id")
    add("events", "a course's event log, one line each").add_argument("course_id")
    stage = add("stage", "retry a failed or cancelled stage")
    stage.add_argument("action", choices=["retry"])
    stage.add_argument("course_id")
    stage.add_argument("stage", help="1, 2, 3 or 4")
    dlq = add("dlq", "dead letters (operators only)")
    dlq.add_argument("action", choices=["list", "retry", "drop"])
    dlq.add_argument("seq", type=int, nargs="?")
    refresh = add("refresh", "refresh a written course from its repository (a new version if anything changed)")
    refresh.add_argument("course_id")
    refresh.add_argument("--ref", help="a branch, tag or commit (default: the ref the course was built from)")
    refresh.add_argument("--wait", action="store_true", help="follow the refresh to its end and show the outcome; "
                         "exit status 1 if it failed, 3 if it needs a new pathway chosen")
    add("versions", "a course's versions: date, commit, what changed, cost").add_argument("course_id")
    export = add("export", "download a course, or one version of it, in an export format")
    export.add_argument("course_id")
    export.add_argument("--format", choices=list(FORMATS), default=DEFAULT_FORMAT,
                        help="; ".join(f"{f.name}: {f.label}" for f in FORMATS.values()))
    export.add_argument("--version", type=int, help="a version's number (default: the current course)")
    export.add_argument("--mastery", type=int, metavar="PERCENT",
                        help="SCORM formats: the share of right answers needed to pass (default 80)")
    export.add_argument("--out", type=Path, default=Path("."), help="where to write it")
    fork = add("fork", "a new course of yours starting from a course's stages up to one (not paid again)")
    fork.add_argument("course_id")
    fork.add_argument("--from", dest="from_stage", required=True, help="the last stage it inherits: 1, 2, 3 or 4")
    fork.add_argument("--title", help="its title (default: the course's, marked as a fork)")


def _operate(args) -> int:
    import httpx

    from . import fork_command, operator_commands, refresh_commands

    try:
        with operator_commands.client(args.url, args.token) as api:
            if args.command == "refresh":
                return refresh_commands.refresh(api, args.course_id, args.ref, args.wait)
            if args.command == "versions":
                return refresh_commands.versions(api, args.course_id)
            if args.command == "fork":
                return fork_command.fork(api, args.course_id, args.from_stage, args.title)
            if args.command == "generate":
                operator_commands.generate(api, args.repo, args.folders, args.out, yes=args.yes,
                                           format_name=args.format)
            elif args.command == "export":
                operator_commands.export(api, args.course_id, args.out, args.format, args.version, args.mastery)
            elif args.command == "status":
                operator_commands.status(api, args.course_id)
            elif args.command == "events":
                operator_commands.events(api, args.course_id)
            elif args.command == "stage":
                operator_commands.retry_stage(api, args.course_id, args.stage)
            else:
                operator_commands.dead_letters(api, args.action, args.seq)
    except operator_commands.OperatorError as exc:
        print(f"coursegen: {exc}", file=sys.stderr)
        return 1
    except httpx.TransportError as exc:  # no gateway there, or it went away: say so, no traceback
        print(f"coursegen: the gateway could not be reached ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
