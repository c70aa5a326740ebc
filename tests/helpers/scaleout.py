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
; Commits do not wait for the WAL flush, as config/settings/test.py asks of direct
; connections (PgBouncer drops their `options`): durability only, nothing a pooler changes.
* = host={host} port={port} connect_query='SET synchronous_commit = off'

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
            # SIGTERM: immediate shutdown (SIGINT would wait for clients to leave).
            self.process.stop(sig=signal.SIGTERM)
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


SENTINEL_CONF = """\
port {port}
bind 127.0.0.1
daemonize no
dir {dir}
sentinel resolve-hostnames no
sentinel monitor {master} 127.0.0.1 {primary_port} {quorum}
sentinel down-after-milliseconds {master} {down_after_ms}
sentinel failover-timeout {master} 10000
sentinel parallel-syncs {master} 1
"""


@dataclass
class SentinelRedis:
    """A Redis primary, a replica of it and three sentinels watching them.

    The first `primary` is the one started first; after a failover `current_primary()`
    asks a sentinel which one it is now.
    """

    master: str = "tradeoffs"
    sentinels: int = 3
    quorum: int = 2
    down_after_ms: int = 1000
    dir: Path | None = None
    servers: list[tuple[int, Process]] = field(default_factory=list)
    watchers: list[tuple[int, Process]] = field(default_factory=list)

    @property
    def broker_url(self) -> str:
        """Celery's `sentinel://` URL naming every sentinel (database 0)."""
        return ";".join(f"sentinel://127.0.0.1:{port}/0" for port, _ in self.watchers)

    def start(self) -> None:
        require(REDIS_SERVER, "redis-server")
        require(REDIS_SENTINEL, "redis-sentinel")
        self.dir = Path(tempfile.mkdtemp(prefix="tradeoffs-sentinel-"))
        primary_port = free_port()
        for index, port in enumerate((primary_port, free_port())):
            args = [
                REDIS_SERVER,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--dbfilename",
                f"dump-{port}.rdb",
            ]
            if index:
                args += ["--replicaof", "127.0.0.1", str(primary_port)]
            process = Process(f"redis-{port}", args, self.dir / f"redis-{port}.log")
            process.start()
            wait_for_port(port, process=process)
            self.servers.append((port, process))
        self.wait_for(lambda: self._replica_linked(), "the replica to sync")
        for _ in range(self.sentinels):
            port = free_port()
            conf = self.dir / f"sentinel-{port}.conf"
            conf.write_text(
                SENTINEL_CONF.format(
                    port=port,
                    dir=self.dir,
                    master=self.master,
                    primary_port=primary_port,
                    quorum=self.quorum,
                    down_after_ms=self.down_after_ms,
                )
            )
            process = Process(
                f"sentinel-{port}",
                [REDIS_SENTINEL, str(conf)],
                conf.with_suffix(".log"),
            )
            process.start()
            wait_for_port(port, process=process)
            self.watchers.append((port, process))
        self.wait_for(
            lambda: all(self._sentinel_sees(port) for port, _ in self.watchers),
            "every sentinel to see the replica and the other sentinels",
        )

    def _client(self, port: int):
        import redis

        return redis.Redis(
            host="127.0.0.1", port=port, socket_timeout=1, socket_connect_timeout=1
        )

    def _replica_linked(self) -> bool:
        import redis

        try:
            info = self._client(self.servers[1][0]).info("replication")
        except redis.RedisError:
            return False
        return info.get("master_link_status") == "up"

    def _sentinel_sees(self, port: int) -> bool:
        import redis

        try:
            state = self._client(port).sentinel_master(self.master)
        except redis.RedisError:
            return False
        return (
            int(state["num-slaves"]) >= 1
            and int(state["num-other-sentinels"]) >= self.sentinels - 1
        )

    def current_primary(self) -> int | None:
        """The primary's port as the first answering sentinel tells it."""
        import redis

        for port, _ in self.watchers:
            try:
                _host, primary = self._client(port).sentinel_get_master_addr_by_name(
                    self.master
                )
            except (redis.RedisError, TypeError, ValueError):
                continue
            return int(primary)
        return None

    def process_on(self, port: int) -> Process:
        return next(process for p, process in self.servers if p == port)

    @staticmethod
    def wait_for(check, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.1)
        raise RuntimeError(f"Gave up waiting for {what} after {timeout:.0f}s")

    def logs(self) -> str:
        return "\n".join(
            f"--- {process.name}\n{process.tail(15)}"
            for _, process in self.servers + self.watchers
        )

    def stop(self) -> None:
        for _, process in self.watchers + self.servers:
            process.stop()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
