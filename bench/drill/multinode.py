"""The scale-out drill's stack (issue 20, part 3): several nodes on one machine.

Two web nodes (gunicorn on two ports) behind HAProxy (config/haproxy/haproxy.cfg), two
Celery worker nodes with their own node names (`w1@host`, `w2@host`), beat on one
node (and a second beat started by mistake when a drill asks), one PostgreSQL (the
caller's database) and one redis-server of the drill's own. Every process is started
in its own session and stopped by its own PID; "killing a node" is SIGKILL to the
process group the drill started for it, as a crashed machine would go.

Ports come from the OS, or from DRILL_PORT_RANGE ("18100-18199") when set, so an
engineer sharing the machine can keep the drill inside a range of their own.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from .stack import (
    BIN,
    PROXY_ADDRESS,
    REDIS_SERVER,
    ROOT,
    Process,
    StackError,
)

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
LB_CONFIG = ROOT / "config" / "haproxy" / "haproxy.cfg"
WEB_NODES = ("web1", "web2")
WORKER_NODES = ("w1", "w2")
# Per node: as docker-compose runs them (GUNICORN_WORKERS, CELERY_WORKER_CONCURRENCY),
# scaled down to a 2-core machine that runs two of each.
GUNICORN_WORKERS = 2
WORKER_CONCURRENCY = 2
# The worker nodes count each grading they commit (bench/drill/graded_counter.py), in
# this hash of the drill's Redis. Only the nodes load that module: imported anywhere
# else it would count that process's gradings too.
COUNTER_INCLUDE = "bench.drill.graded_counter"
GRADED_KEY = "drill:graded"
# Per worker node (its Celery hostname): attempts it began to score, marked inside the
# grading transaction (bench/drill/graded_counter.py).
SCORING_KEY = "drill:scoring"


class Ports:
    """Free loopback ports, from DRILL_PORT_RANGE when it is set."""

    def __init__(self, spec: str | None = None) -> None:
        spec = spec if spec is not None else os.environ.get("DRILL_PORT_RANGE", "")
        match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", spec or "")
        self.next = int(match[1]) if match else None
        self.last = int(match[2]) if match else None

    def take(self) -> int:
        if self.next is None:
            return _bindable(0)
        while self.next <= self.last:
            port, self.next = self.next, self.next + 1
            try:
                return _bindable(port)
            except OSError:
                continue
        raise StackError("DRILL_PORT_RANGE has no free port left")


def _bindable(port: int) -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        return sock.getsockname()[1]


def render_lb(path: Path, *, listen_port: int, nodes: dict[str, int]) -> Path:
    """The project's HAProxy file with this drill's listen port and web nodes."""
    text = LB_CONFIG.read_text(encoding="utf-8")
    servers = "".join(
        # From the trusted proxy address, as nginx in the single-node drill.
        f"    server {name} 127.0.0.1:{port} source {PROXY_ADDRESS}\n"
        for name, port in nodes.items()
    )
    text, replaced = re.subn(
        r"    # servers: begin\n.*?    # servers: end\n", servers, text, flags=re.S
    )
    text, dropped = re.subn(
        r"# resolver: begin\n.*?# resolver: end\n", "", text, flags=re.S
    )
    text, bound = re.subn(r"bind :8080", f"bind 127.0.0.1:{listen_port}", text)
    if (replaced, dropped, bound) != (1, 1, 1):
        raise StackError(f"{LB_CONFIG} lost its drill markers")
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class MultiNodeStack:
    """The nodes on loopback ports, their logs under `var_dir`."""

    database_url: str
    var_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: Ports = field(default_factory=Ports)
    processes: dict[str, Process] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.redis_port = self.ports.take()
        self.lb_port = self.ports.take()
        self.web_ports = {name: self.ports.take() for name in WEB_NODES}
        # The caller runs the mail server (an SMTP recorder) on this port.
        self.smtp_port = self.ports.take()
        self.hostname = socket.gethostname()
        self._seen_ready: dict[str, int] = {}

    # --- addresses ----------------------------------------------------------------------

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def cache_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/1"

    @property
    def counter_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/2"

    @property
    def lb_url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    def node_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.web_ports[name]}"

    def worker_name(self, name: str) -> str:
        return f"{name}@{self.hostname}"

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_CACHE_URL"):
            keep.pop(name, None)
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
            "DRILL_COUNTER_URL": self.counter_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "SITE_URL": self.lb_url,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    # --- processes ----------------------------------------------------------------------

    def _process(self, name: str, args: list[str]) -> Process:
        process = Process(name, args, self.var_dir / f"{name}.log")
        self.processes[name] = process
        return process

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
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
        ).start(self.env())
        self.wait_until(self.redis_answers, "redis-server")
        for name in WEB_NODES:
            self.start_web(name)
        for name in WORKER_NODES:
            self.start_worker(name)
        config = render_lb(
            self.var_dir / "haproxy.cfg",
            listen_port=self.lb_port,
            nodes=self.web_ports,
        )
        self._process("lb", [HAPROXY, "-db", "-f", str(config)]).start(self.env())
        for name in WEB_NODES:
            self.wait_until(lambda n=name: self.answers(self.node_url(n)), name)
        self.wait_until(lambda: self.answers(self.lb_url), "haproxy")
        self.wait_for_workers(WORKER_NODES)

    def start_web(self, name: str) -> None:
        # Sync workers, as the Dockerfile and docker-compose run them.
        self._process(
            name,
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(GUNICORN_WORKERS),
                "--bind",
                f"127.0.0.1:{self.web_ports[name]}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "20",
                "--forwarded-allow-ips",
                PROXY_ADDRESS,
                "--access-logfile",
                "-",
            ],
        ).start(self.env())

    def start_worker(self, name: str) -> None:
        self._process(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(WORKER_CONCURRENCY),
                "--hostname",
                f"{name}@%h",
                "--include",
                COUNTER_INCLUDE,
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
        ).start(self.env())

    def start_beat(self, name: str) -> None:
        """Beat with the database scheduler, its schedule file under var_dir."""
        self._process(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile",
                str(self.var_dir / f"{name}.pid"),
                "--loglevel",
                "INFO",
            ],
        ).start(self.env())

    def kill_node(self, name: str) -> None:
        """SIGKILL the node's whole process group (main process and pool children)."""
        process = self.processes[name]
        if process.running:
            os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait(10)

    def stop_node(self, name: str) -> None:
        """A planned stop (SIGTERM): gunicorn finishes what it is serving, then exits."""
        if name in self.processes:
            self.processes[name].stop(timeout=30)

    def ensure_running(self) -> None:
        """Start again any web or worker node a drill stopped or killed."""
        started = []
        for name in WEB_NODES:
            if not self.processes[name].running:
                self.start_web(name)
                started.append(name)
        for name in started:
            self.wait_until(lambda n=name: self.answers(self.node_url(n)), name)
        workers = [n for n in WORKER_NODES if not self.processes[n].running]
        for name in workers:
            self.start_worker(name)
        self.wait_for_workers(workers)

    # --- readiness ----------------------------------------------------------------------

    def redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), 0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @staticmethod
    def answers(base: str) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as reply:
                return reply.status == 200
        except OSError:
            return False

    def _ready_lines(self, name: str) -> int:
        try:
            text = self.processes[name].log.read_text(
                encoding="utf-8", errors="replace"
            )
        except (KeyError, FileNotFoundError):
            return 0
        return text.count(f"{self.worker_name(name)} ready.")

    def wait_for_workers(self, names, timeout: float = 60) -> None:
        """Until each named worker logged that it is ready (once more than before).

        Read off the log rather than pinged: a Celery app in this process would send the
        ping to CELERY_BROKER_URL from its environment, not to the drill's Redis.
        """
        wanted = {name: self._seen_ready.get(name, 0) + 1 for name in names}
        self.wait_until(
            lambda: all(self._ready_lines(n) >= count for n, count in wanted.items()),
            f"workers {sorted(wanted)}",
            timeout,
        )
        self._seen_ready.update(wanted)

    def wait_until(self, predicate, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            for process in self.processes.values():
                if process.popen is not None and not process.running:
                    if process.popen.returncode in (-signal.SIGKILL, 0):
                        continue  # stopped or killed on purpose by a drill
                    raise StackError(
                        f"{process.name} exited ({process.popen.returncode}); "
                        f"its log:\n{process.tail()}"
                    )
            if time.monotonic() > deadline:
                raise StackError(f"{what} not ready after {timeout:.0f} s")
            time.sleep(0.2)

    def stop(self) -> None:
        order = ["lb", *WEB_NODES, "beat1", "beat2", *WORKER_NODES, "redis"]
        for name in order + [n for n in self.processes if n not in order]:
            if name in self.processes:
                self.processes[name].stop()
