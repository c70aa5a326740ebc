"""Start and stop the drill's processes: redis-server, gunicorn, a Celery worker, nginx.

Each starts in its own session and is stopped by its own PID (then its own process
group), so the drill never touches a process it did not start. nginx reaches gunicorn
from 127.0.0.2 (`proxy_bind`), which is the one trusted proxy address; the drill's
"attacker" connects from 127.0.0.1, an untrusted peer.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "config" / "nginx" / "tradeoffs.conf.template"
PROXY_ADDRESS = "127.0.0.2"
GUNICORN_WORKERS = 2
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

NGINX_MAIN = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
daemon off;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    # The drill's stand-in for nginx's own address on a network: the trusted proxy.
    proxy_bind {proxy};
    include {prefix}/tradeoffs.conf;
}}
"""


class StackError(RuntimeError):
    """A process of the drill exited or never became ready."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_nginx(prefix: Path, *, listen_port: int, upstream_port: int) -> Path:
    """Write nginx.conf (main context) and the project's server block; returns the former."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / name).mkdir(parents=True, exist_ok=True)
        # As root, nginx's workers run as nobody and write request bodies here.
        (prefix / "tmp" / name).chmod(0o777)
    (prefix / "tmp").chmod(0o777)
    server = (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("${NGINX_PORT}", f"127.0.0.1:{listen_port}")
        .replace("${TRADEOFFS_UPSTREAM}", f"127.0.0.1:{upstream_port}")
    )
    (prefix / "tradeoffs.conf").write_text(server, encoding="utf-8")
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    main = prefix / "nginx.conf"
    main.write_text(
        NGINX_MAIN.format(prefix=prefix, user=user, proxy=PROXY_ADDRESS),
        encoding="utf-8",
    )
    return main


@dataclass
class Process:
    name: str
    args: list[str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        with open(self.log, "ab") as handle:
            self.popen = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, *, kill: bool = False, timeout: float = 15) -> None:
        if not self.running:
            return
        self.popen.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            # Our own process group only: the PID we started leads it.
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class DrillStack:
    """The production-like stack on loopback ports, its logs under `var_dir`."""

    database_url: str
    var_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    redis_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    nginx_port: int = field(default_factory=free_port)
    processes: dict[str, Process] = field(default_factory=dict)

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def cache_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/1"

    @property
    def gunicorn_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def nginx_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "bench.drill.settings",
            "DJANGO_SECRET_KEY": "drill-only-secret-key-not-for-production-0123456789",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_TRUSTED_PROXIES": PROXY_ADDRESS,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.broker_url,
            "REDIS_CACHE_URL": self.cache_url,
            "EMAIL_URL": "smtp://127.0.0.1:1",
            "SITE_URL": self.nginx_url,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def _process(self, name: str, args: list[str]) -> Process:
        process = Process(name, args, self.var_dir / f"{name}.log")
        self.processes[name] = process
        return process

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        env = self.env()
        self._process(
            "redis",
            [
                REDIS_SERVER,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        self.start_redis()
        # Sync workers, as the Dockerfile and docker-compose run them.
        self._process(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(GUNICORN_WORKERS),
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--timeout",
                "30",
                "--forwarded-allow-ips",
                PROXY_ADDRESS,
                "--access-logfile",
                "-",
            ],
        ).start(env)
        self._process(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-P",
                "solo",
                "--hostname",
                f"drill-{self.redis_port}@127.0.0.1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
        ).start(env)
        prefix = self.var_dir / "nginx"
        prefix.mkdir(parents=True, exist_ok=True)
        conf = render_nginx(
            prefix, listen_port=self.nginx_port, upstream_port=self.web_port
        )
        self._process(
            "nginx", [NGINX, "-p", str(prefix), "-c", str(conf), "-e", "stderr"]
        ).start(env)
        self.wait_until(lambda: self._answers(self.gunicorn_url), "gunicorn")
        self.wait_until(lambda: self._answers(self.nginx_url), "nginx")

    def start_redis(self) -> None:
        self.processes["redis"].start(self.env())
        self.wait_until(self.redis_answers, "redis-server")

    def stop_redis(self) -> None:
        """SIGKILL, as a crash would: nothing is saved (--save "")."""
        self.processes["redis"].stop(kill=True)

    def redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), 0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _answers(self, base: str) -> bool:
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as reply:
                return reply.status == 200
        except OSError:
            return False

    def wait_until(self, predicate, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            for process in self.processes.values():
                if process.popen is not None and not process.running:
                    if process.name == "redis" and what != "redis-server":
                        continue
                    raise StackError(
                        f"{process.name} exited ({process.popen.returncode}); "
                        f"its log:\n{process.tail()}"
                    )
            if time.monotonic() > deadline:
                raise StackError(f"{what} not ready after {timeout:.0f} s")
            time.sleep(0.2)

    def stop(self) -> None:
        for name in ("nginx", "gunicorn", "worker", "redis"):
            if name in self.processes:
                self.processes[name].stop()
