"""Start the scale-out drills' servers as plain processes on loopback ports.

PgBouncer, PostgreSQL clusters (a primary and a streaming replica made with
pg_basebackup), redis-server and redis-sentinel: Debian's binaries, each started in a
session of its own and stopped by its own PID, so a drill never touches a process it
did not start. PostgreSQL and PgBouncer refuse to run as root; as root they run as the
`postgres` user, in directories of their own under the system temp directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_SENTINEL = shutil.which("redis-sentinel") or "/usr/bin/redis-sentinel"
SERVICE_USER = "postgres"
_taken: set[int] = set()


def require(binary: str | Path, package: str) -> None:
    """Fail (never skip) when a binary is missing: .ci/run installs the package."""
    if not (Path(binary).exists() or shutil.which(str(binary))):
        pytest.fail(f"{binary} is missing: apt-get install -y {package}", pytrace=False)


def pg_bin(name: str) -> Path:
    """A PostgreSQL server binary: PG_BIN, else the newest Debian installs."""
    if (PG_BIN / name).exists():
        return PG_BIN / name
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    require(found[-1] if found else PG_BIN / name, "postgresql")
    return found[-1]


def free_port() -> int:
    """A free loopback port; from TEST_PORT_RANGE (e.g. 18200-18299) when it is set."""
    span = os.environ.get("TEST_PORT_RANGE", "")
    candidates = [0]
    if span:
        low, high = (int(part) for part in span.split("-"))
        candidates = [p for p in range(low, high + 1) if p not in _taken]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = sock.getsockname()[1]
            _taken.add(port)
            return port
    raise RuntimeError(f"No free port in TEST_PORT_RANGE={span}")


def wait_for_port(port: int, *, timeout: float = 30.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not process.running:
            raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


def service_dir(prefix: str) -> Path:
    """A fresh directory the service user owns (pytest's own tmp is root-only)."""
    path = Path(tempfile.mkdtemp(prefix=f"tradeoffs-{prefix}-"))
    if os.geteuid() == 0:
        shutil.chown(path, SERVICE_USER, SERVICE_USER)
    return path


def as_service_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", SERVICE_USER, "--", *args] if os.geteuid() == 0 else args


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


@dataclass
class Process:
    """One server process in a session of its own."""

    name: str
    args: list[str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self, env: dict[str, str] | None = None) -> None:
        with open(self.log, "ab") as handle:
            self.popen = subprocess.Popen(
                self.args,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, *, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if not self.running:
            return
        self.popen.send_signal(sig)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            # Our own process group only: the PID we started leads it.
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

    def kill(self) -> None:
        """SIGKILL, as a crashed host would leave it."""
        self.stop(sig=signal.SIGKILL)

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


PGBOUNCER_INI = """\
[databases]
; Any database name, passed through to the one server (pytest-django creates its own).
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {dir}/users.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = {pool_size}
; Sent by some drivers at start-up; PgBouncer refuses unknown ones otherwise.
ignore_startup_parameters = extra_float_digits,options
admin_users = {user}
server_reset_query =
logfile = {dir}/pgbouncer.log
pidfile = {dir}/pgbouncer.pid
"""


@dataclass
class PgBouncer:
    """PgBouncer in transaction mode in front of one PostgreSQL server."""

    server_host: str = "127.0.0.1"
    server_port: int = 5432
    user: str = "postgres"
    pool_size: int = 10
    port: int = 0
    dir: Path | None = None
    process: Process | None = None

    def start(self) -> None:
        require(PGBOUNCER, "pgbouncer")
        self.port = self.port or free_port()
        self.dir = service_dir("pgbouncer")
        ini = self.dir / "pgbouncer.ini"
        ini.write_text(
            PGBOUNCER_INI.format(
                host=self.server_host,
                port=self.server_port,
                listen=self.port,
                dir=self.dir,
                user=self.user,
                pool_size=self.pool_size,
            )
        )
        (self.dir / "users.txt").write_text(f'"{self.user}" ""\n')
        args = [PGBOUNCER, str(ini)]
        if os.geteuid() == 0:
            args[1:1] = ["-u", SERVICE_USER]
        self.process = Process("pgbouncer", args, self.dir / "stdout.log")
        self.process.start()
        wait_for_port(self.port, process=self.process)

    def show(self, what: str) -> list[dict]:
        """SHOW POOLS / SHOW STATS ... from PgBouncer's admin console."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            dbname="pgbouncer",
            autocommit=True,
        ) as conn:
            cur = conn.execute(f"SHOW {what}")
            names = [c.name for c in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def stop(self) -> None:
        if self.process:
            self.process.stop(sig=signal.SIGINT)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster of our own: a primary, or a replica of one."""

    name: str
    port: int = 0
    dir: Path | None = None
    started: bool = False
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.dir / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init_primary(self) -> None:
        self.port = self.port or free_port()
        self.dir = service_dir(self.name)
        run(
            as_service_user(
                [
                    str(pg_bin("initdb")),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        )
        with open(self.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")

    def init_replica_of(self, primary: PostgresCluster) -> None:
        """Copy a running primary with pg_basebackup (-R: standby, streaming from it)."""
        self.port = self.port or free_port()
        self.dir = service_dir(self.name)
        run(
            as_service_user(
                [
                    str(pg_bin("pg_basebackup")),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(primary.port),
                    "-U",
                    "postgres",
                    "-D",
                    str(self.data),
                    "-R",
                    "-X",
                    "stream",
                    "--checkpoint=fast",
                    "--no-sync",
                ]
            )
        )

    def start(self) -> None:
        options = {
            "port": str(self.port),
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.dir),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "shared_buffers": "32MB",
            "max_connections": "60",
            "wal_level": "replica",
            "max_wal_senders": "4",
            "hot_standby": "on",
            **self.settings,
        }
        settings = " ".join(f"-c {key}={value}" for key, value in options.items())
        # pg_ctl starts the postmaster in the background and waits until it accepts
        # connections; `stop` ends that postmaster (by its pid file) with pg_ctl again.
        run(
            as_service_user(
                [
                    str(pg_bin("pg_ctl")),
                    "start",
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    settings,
                ]
            )
        )
        self.started = True

    @property
    def log(self) -> Path:
        return self.dir / "server.log"

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def sql(self, statement: str, database: str = "postgres"):
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else None

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(RuntimeError):
                run(
                    as_service_user(
                        [
                            str(pg_bin("pg_ctl")),
                            "stop",
                            "-D",
                            str(self.data),
                            "-m",
                            "fast",
                            "-w",
                        ]
                    )
                )
            self.started = False
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def run_pytest(
    args: list[str], *, env: dict[str, str], timeout: float = 600
) -> tuple[int, str]:
    """Run pytest in a subprocess (its own Django settings from env); code and output."""
    import sys

    project = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider"]
        + args,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.returncode, result.stdout + result.stderr


def child_env(**overrides: str) -> dict[str, str]:
    """This process's environment minus what pytest-xdist and this run added."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "TRADEOFFS_XDIST"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env.update(overrides)
    return env


def drop_database(url: str, name: str) -> None:
    """DROP DATABASE ... WITH (FORCE): no pooled connection may keep it alive."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
