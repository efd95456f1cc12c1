"""A local PostgreSQL for development and the test suite: Debian's server binaries, `initdb` into a data folder, a
server listening on 127.0.0.1 only, and the warehouse's database, schemas and roles.

    python -m dagster_project.lib.warehouse.local_postgres start|stop|status --dir DIR [--port N]

`start` is idempotent: it creates the cluster on first use (`<dir>/cluster`), starts it when it is not running (a
stale postmaster.pid left by a killed server is PostgreSQL's own to clear), and (re)applies the roles and grants.
The connection settings for each role are written as `<dir>/<role>.env` (owner-only), to `source`. PostgreSQL
refuses to run as root, so as root (CI) the server runs as Debian's `postgres` user, which must be able to reach
`<dir>` (so as root it defaults to a folder under /var/lib/postgresql).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql

from dagster_project.lib.warehouse.reader import PUBLISHED_SCHEMA, RESTRICTED_SCHEMA

HOST = "127.0.0.1"
DEFAULT_PORT = 55432  # not 5432: never a system server's port
DATABASE = "school_improvement"
DAGSTER_DATABASE = "dagster"  # Dagster's run, event and schedule storage (config/dagster_postgres.yaml)
SERVER_USER = "postgres"  # Debian's; the server runs as it when started by root
# The roles (README "A shared warehouse"): the pipeline writes everything; readers (reports, BI tools) read the
# published schemas only; the service reads the restricted schema too.
PIPELINE_ROLE = "si_pipeline"
READER_ROLE = "si_reader"
SERVICE_ROLE = "si_service"
PUBLISHED_SCHEMAS = (PUBLISHED_SCHEMA,)


class PostgresNotInstalled(RuntimeError):
    pass


@dataclass(frozen=True)
class LocalPostgres:
    data_dir: Path  # the cluster (initdb's folder)
    port: int

    @property
    def socket_dir(self) -> Path:
        return self.data_dir

    def dsn(self, role: str = SERVER_USER, password: str | None = None, database: str = DATABASE) -> str:
        parts = [f"host={HOST}", f"port={self.port}", f"dbname={database}", f"user={role}"]
        return " ".join(parts + ([f"password={password}"] if password else []))

    def superuser_connection(self, database: str = DATABASE):
        """Over the cluster's own unix socket (trust: only its owner can reach the folder)."""
        return psycopg2.connect(host=str(self.socket_dir), port=self.port, dbname=database, user=SERVER_USER)

    def password(self, role: str) -> str:
        return read_env(self.env_file(role))["PGPASSWORD"]

    def env_file(self, role: str) -> Path:
        return self.data_dir.parent / f"{role}.env"


def server_binaries() -> Path:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if versions:
        return versions[-1].parent
    raise PostgresNotInstalled(
        "PostgreSQL's server is not installed (no pg_ctl on PATH or under /usr/lib/postgresql). Install Debian's "
        "package: apt-get install postgresql (`make postgres-deps` does this as root)."
    )


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> subprocess.CompletedProcess:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    return done


def read_env(path: Path) -> dict[str, str]:
    """The settings of a role's env file (`export KEY=value` lines)."""
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
    return {key.removeprefix("export "): value for key, value in pairs}


def is_running(server: LocalPostgres) -> bool:
    if not (server.data_dir / "PG_VERSION").exists():
        return False
    status = subprocess.run(
        _as_server_user([str(server_binaries() / "pg_ctl"), "status", "-D", str(server.data_dir)]),
        capture_output=True,
    )
    return status.returncode == 0


def start(folder: Path, port: int = DEFAULT_PORT) -> LocalPostgres:
    """Create (first use), start (when stopped) and set up the local server in `folder`; returns it running."""
    server = LocalPostgres(Path(folder).resolve() / "cluster", port)
    binaries = server_binaries()
    if not (server.data_dir / "PG_VERSION").exists():
        server.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.geteuid() == 0:
            server.data_dir.parent.chmod(0o711)  # the server user passes through to its cluster, lists nothing
            shutil.chown(server.data_dir, SERVER_USER, SERVER_USER)
        _run(
            [str(binaries / "initdb"), "-D", str(server.data_dir), "-U", SERVER_USER, "--auth-local=trust"]
            + ["--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]
        )
    if not is_running(server):
        options = f"-c listen_addresses={HOST} -p {port} -k {server.socket_dir}"
        log = server.data_dir / "server.log"
        try:
            _run(
                [
                    str(binaries / "pg_ctl"),
                    "start",
                    "-D",
                    str(server.data_dir),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "-l",
                    str(log),
                ]
            )
        except RuntimeError as error:  # the reason (a port in use, ...) is in the server's log
            last = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:] if log.exists() else []
            raise RuntimeError(f"{error}\n  server log {log}:\n    " + "\n    ".join(last)) from None
    _wait_until_accepting(server)
    _set_up(server)
    return server


def stop(folder: Path) -> None:
    server = LocalPostgres(Path(folder).resolve() / "cluster", DEFAULT_PORT)
    if is_running(server):
        _run([str(server_binaries() / "pg_ctl"), "stop", "-D", str(server.data_dir), "-m", "fast", "-w"])


def _wait_until_accepting(server: LocalPostgres, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            server.superuser_connection("postgres").close()
            return
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _set_up(server: LocalPostgres) -> None:
    """The warehouse database, its schemas and the three roles with their grants (idempotent)."""
    admin = server.superuser_connection("postgres")
    admin.autocommit = True
    passwords = {role: _password(server, role) for role in (PIPELINE_ROLE, READER_ROLE, SERVICE_ROLE)}
    with admin.cursor() as cursor:
        for role, password in passwords.items():
            cursor.execute("select 1 from pg_roles where rolname = %s", [role])
            verb = "alter" if cursor.fetchone() else "create"
            cursor.execute(sql.SQL(verb + " role {} login password %s").format(sql.Identifier(role)), [password])
        for database in (DATABASE, DAGSTER_DATABASE):
            cursor.execute("select 1 from pg_database where datname = %s", [database])
            if cursor.fetchone() is None:
                # Dagster's storage belongs to the pipeline role, which creates its tables on first use.
                owner = (
                    sql.SQL(" owner {}").format(sql.Identifier(PIPELINE_ROLE))
                    if database == DAGSTER_DATABASE
                    else sql.SQL("")
                )
                cursor.execute(sql.SQL("create database {}").format(sql.Identifier(database)) + owner)
    admin.close()
    connection = server.superuser_connection()
    connection.autocommit = True
    with connection.cursor() as cursor:
        pipeline, reader, service = (sql.Identifier(r) for r in (PIPELINE_ROLE, READER_ROLE, SERVICE_ROLE))
        database = sql.Identifier(DATABASE)
        cursor.execute(sql.SQL("revoke all on database {} from public").format(database))
        cursor.execute(
            sql.SQL("grant connect on database {} to {}, {}, {}").format(database, pipeline, reader, service)
        )
        cursor.execute(sql.SQL("grant create, temporary on database {} to {}").format(database, pipeline))
        cursor.execute("revoke create on schema public from public")
        for schema in (*PUBLISHED_SCHEMAS, RESTRICTED_SCHEMA):
            name = sql.Identifier(schema)
            cursor.execute(sql.SQL("create schema if not exists {} authorization {}").format(name, pipeline))
            readers = (
                sql.SQL("{}").format(service)
                if schema == RESTRICTED_SCHEMA
                else sql.SQL("{}, {}").format(reader, service)
            )
            cursor.execute(sql.SQL("revoke all on schema {} from public").format(name))
            cursor.execute(sql.SQL("grant usage on schema {} to {}").format(name, readers))
            cursor.execute(sql.SQL("grant select on all tables in schema {} to {}").format(name, readers))
            # tables the pipeline creates later are readable by the same roles
            cursor.execute(
                sql.SQL("alter default privileges for role {} in schema {} grant select on tables to {}").format(
                    pipeline, name, readers
                )
            )
    connection.close()


def _password(server: LocalPostgres, role: str) -> str:
    """The role's password, generated once and kept in its owner-only env file."""
    path = server.env_file(role)
    if path.exists():
        return read_env(path)["PGPASSWORD"]
    password = secrets.token_urlsafe(24)
    settings = {
        "PGHOST": HOST,
        "PGPORT": str(server.port),
        "PGDATABASE": DATABASE,
        "PGUSER": role,
        "PGPASSWORD": password,
        # the same, as the project's settings (dbt/profiles.yml, config/dagster_postgres.yaml)
        "SI_PG_HOST": HOST,
        "SI_PG_PORT": str(server.port),
        "SI_PG_DATABASE": DATABASE,
        "SI_PG_DAGSTER_DATABASE": DAGSTER_DATABASE,
        "SI_PG_USER": role,
        "SI_PG_PASSWORD": password,
    }
    text = "".join(f"export {key}={value}\n" for key, value in settings.items())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="local_postgres", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--dir", type=Path, required=True, help="folder of the cluster and role settings")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    try:
        if args.action == "start":
            server = start(args.dir, args.port)
            print(f"PostgreSQL on {HOST}:{server.port}, database {DATABASE}; cluster {server.data_dir}")
            for role in (PIPELINE_ROLE, READER_ROLE, SERVICE_ROLE):
                print(f"  {role}: source {server.env_file(role)}")
        elif args.action == "stop":
            stop(args.dir)
            print(f"stopped {args.dir}")
        else:
            running = is_running(LocalPostgres(args.dir.resolve() / "cluster", args.port))
            print("running" if running else "not running")
            return 0 if running else 3
    except (PostgresNotInstalled, RuntimeError) as error:
        print(f"!! {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
