"""`make scale-test`: GovSocial Academy on several servers, on one machine, under Locust.

Starts, in a temporary folder, everything a two-server deployment has: PostgreSQL's own database
(scale_test on $PG_URL's server, created afresh and dropped at the end), a Redis server of its own
(no persistence), the migrations run once, two gunicorn app servers on two ports with production
settings, two certificate workers (`db_worker --backend certificates`), and HAProxy in front
(TLS, round robin, no sticky sessions, health checks). Locust's simulated learners
(scale/locustfile.py) go through the whole course for a fixed time; at the midpoint one app server
and one worker (while it renders a certificate, when it gets one in time) are killed with SIGKILL,
and the run goes on through the others. When Locust stops, the certificates still queued are given
time to render, then scale/checks.py compares what learners were told with the database.

Prints a table (per step: requests, errors, p50, p95) and the checks; writes scale/results.json.
Exits 1 when a check fails. Everything it started is stopped, even on failure or Ctrl+C.

    python scale/run.py [--users 8] [--learners 60] [--duration 90] [--no-kill] [--keep-db]

SCALE_HOLD_ON_ERROR=SECONDS leaves everything running that long after a failure, to look at.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "scale" / "results.json"
DATABASE = "scale_test"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Every process the run started, each in its own process group, stopped in reverse order."""

    def __init__(self, logs):
        self.logs = logs
        self.started = {}

    def start(self, name, command, env):
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own fixed commands
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started[name] = (process, log)
        return process

    def kill(self, name):
        """SIGKILL the whole process group: a server dying, not one shutting down."""
        process, _ = self.started[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self):
        for _name, (process, log) in reversed(list(self.started.items())):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                except ProcessLookupError:
                    pass
            log.close()

    def log_tail(self, name, lines=30):
        return "\n".join((self.logs / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])


def postgres(pg_url, statement):
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute(statement)


def haproxy_config(front_port, app_ports, certificate):
    servers = "\n".join(
        f"  server app{n} 127.0.0.1:{port} check inter 1s fall 2 rise 1"
        for n, port in enumerate(app_ports, start=1)
    )
    return f"""global
  maxconn 512
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 5s
  # A server that dies mid-request: send the request to the other (every request in the
  # learner's journey can be repeated safely; see the README's 'Running on several servers').
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
frontend site
  bind 127.0.0.1:{front_port} ssl crt {certificate}
  option forwardfor
  http-request set-header X-Forwarded-Proto https
  default_backend app
backend app
  balance roundrobin
  option httpchk
  http-check send meth GET uri /favicon.ico ver HTTP/1.1 hdr Host 127.0.0.1 hdr X-Forwarded-Proto https
  # Django answers /favicon.ico with a redirect to the static file: any answer is a live server.
  http-check expect rstatus ^[23]
{servers}
"""


def wait_for(check, what, timeout, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped while waiting for {what}")
        if check():
            return
        time.sleep(0.3)
    raise RuntimeError(f"timed out waiting for {what}")


def answers(url, **kwargs):
    try:
        return requests.get(url, timeout=2, **kwargs).status_code == 200
    except requests.RequestException:
        return False


def manage(env, *arguments):
    subprocess.run([BIN / "python", "manage.py", *arguments], cwd=ROOT, env=env, check=True)  # noqa: S603


def run(args):
    # A SIGTERM or SIGHUP (the terminal closing) ends the run the same way as Ctrl+C: through the
    # clean-up below, never leaving servers running.
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, lambda number, frame: sys.exit(128 + number))
    work = Path(tempfile.mkdtemp(prefix="lms-scale-"))
    logs = work / "logs"
    logs.mkdir()
    processes = Processes(logs)
    pg_admin = args.pg_url
    database_url = pg_admin.rsplit("/", 1)[0] + f"/{DATABASE}"
    created_database = False
    try:
        print(f"Scale test in {work}")
        redis_port, front_port = free_port(), free_port()
        app_ports = [free_port(), free_port()]
        certificate = work / "site.pem"
        subprocess.run(  # noqa: S603 - a throwaway self-signed certificate for 127.0.0.1
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                work / "key.pem",
                "-out",
                work / "cert.pem",
            ],
            check=True,
            capture_output=True,
        )
        certificate.write_bytes((work / "cert.pem").read_bytes() + (work / "key.pem").read_bytes())
        base = f"https://127.0.0.1:{front_port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "DJANGO_SECRET_KEY": "scale-test-only-" + os.urandom(16).hex(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_TRUSTED_PROXY_COUNT": "1",  # HAProxy appends the learner's address
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "SITE_BASE_URL": base,
            "LMS_VAR_DIR": str(work / "var"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }

        redis = processes.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            env,
        )
        postgres(pg_admin, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        postgres(pg_admin, f"CREATE DATABASE {DATABASE}")
        created_database = True
        started = time.monotonic()
        # Once per deployment, from one machine, before the new code serves: migrations and static files.
        manage(env, "migrate", "-v0")
        migrated = time.monotonic()
        manage(env, "collectstatic", "--noinput", "-v0")
        collected = time.monotonic()
        data_file = work / "data.json"
        subprocess.run(  # noqa: S603
            [BIN / "python", "scale/prepare.py", "--learners", str(args.learners), "--out", data_file],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(
            f"Migrated in {migrated - started:.0f} s, static files in {collected - migrated:.0f} s,"
            f" the course and {args.learners} learners in {time.monotonic() - collected:.0f} s"
        )
        wait_for(lambda: redis.poll() is None, "Redis", 5)

        apps = []
        for n, port in enumerate(app_ports, start=1):
            apps.append(
                processes.start(
                    f"app{n}",
                    [
                        BIN / "gunicorn",
                        "lms.wsgi",
                        "-w",
                        str(args.app_workers),
                        "-b",
                        f"127.0.0.1:{port}",
                        "--no-control-socket",
                        "--timeout",
                        "60",
                        "--log-level",
                        "warning",
                    ],
                    env,
                )
            )
        for n in (1, 2):
            processes.start(
                f"worker{n}",
                [
                    BIN / "python",
                    "manage.py",
                    "db_worker",
                    "--backend",
                    "certificates",
                    "--worker-id",
                    f"scale-worker-{n}",
                    "--interval",
                    "0.5",
                    "-v0",
                ],
                env,
            )
        (work / "haproxy.cfg").write_text(haproxy_config(front_port, app_ports, certificate))
        processes.start("haproxy", ["haproxy", "-db", "-f", work / "haproxy.cfg"], env)
        for n, (port, app) in enumerate(zip(app_ports, apps, strict=True), start=1):
            headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
            wait_for(
                lambda p=port, h=headers: answers(f"http://127.0.0.1:{p}/favicon.ico", headers=h),
                f"app server {n}",
                60,
                [(f"app{n}", app)],
            )
        wait_for(lambda: answers(f"{base}/courses/", verify=work / "cert.pem"), "HAProxy", 30)

        ledger_file = work / "ledger.json"
        locust_env = {
            **os.environ,
            "SCALE_DATA": str(data_file),
            "SCALE_LEDGER": str(ledger_file),
            "SCALE_CA": str(work / "cert.pem"),
        }
        print(f"Locust: {args.users} users for {args.duration} s through {base} (HAProxy -> 2 app servers)")
        locust = processes.start(
            "locust",
            [
                BIN / "locust",
                "-f",
                "scale/locustfile.py",
                "--headless",
                "--host",
                base,
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "-t",
                f"{args.duration}s",
                "--stop-timeout",
                "0",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            locust_env,
        )
        locust_start = time.monotonic()
        locust_wall_start = time.time()
        load_at_start = os.getloadavg()[0]
        kill = {"at_s": None, "worker_was_rendering": None}
        if not args.no_kill:
            time.sleep(args.duration / 2 - 5)
            kill["worker_was_rendering"] = wait_for_render(database_url, "scale-worker-2", timeout=10)
            processes.kill("app2")
            processes.kill("worker2")
            kill["at_s"] = round(time.monotonic() - locust_start, 1)
            print(
                f"Killed app server 2 and certificate worker 2 at {kill['at_s']} s"
                f" (worker mid-render: {kill['worker_was_rendering']})"
            )
        locust.wait(timeout=args.duration + 120)
        if not ledger_file.exists():
            raise RuntimeError("Locust wrote no ledger:\n" + processes.log_tail("locust"))
        drain_started = time.monotonic()
        pending = wait_for_certificates(database_url, env, timeout=args.drain)
        drained_in = round(time.monotonic() - drain_started, 1)

        report_file = work / "report.json"
        subprocess.run(  # noqa: S603
            [BIN / "python", "scale/report.py", ledger_file, report_file],
            cwd=ROOT,
            env=env,
            check=True,
        )
        report = json.loads(report_file.read_text())
        ledger = json.loads(ledger_file.read_text())
        results = {
            "setup": {
                "app_servers": 2,
                "gunicorn_workers_each": args.app_workers,
                "certificate_workers": 2,
                "balancer": "HAProxy (TLS, round robin, no stickiness)",
                "locust_users": args.users,
                "duration_s": args.duration,
                "killed": kill,
                "machine": f"{os.cpu_count()} cores, load average {load_at_start:.1f} when Locust started",
                "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            },
            "steps": ledger["steps"],
            "total": ledger["total"],
            "journeys": {
                "started": ledger["journeys"]["started"],
                "finished": ledger["journeys"]["finished"],
                "abandoned": ledger["journeys"]["abandoned"],
            },
            # Each failed try (the learner's browser tried again), seconds after Locust started.
            "errors": [
                {**error, "at": round(error["at"] - locust_wall_start, 1)} for error in ledger["errors"][:50]
            ],
            "certificates_pending_after_drain": pending,
            "drain_s": drained_in,
            "checks": report,
        }
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print_table(results)
        return (
            0
            if not report["problems"]
            and not pending
            and not ledger["journeys"]["abandoned"]
            and ledger["journeys"]["finished"]
            else 1
        )
    except BaseException as error:
        if os.environ.get("SCALE_HOLD_ON_ERROR"):  # leave everything running a while, to look at
            print(f"Failed ({error!r}); holding: {work}", flush=True)
            time.sleep(int(os.environ["SCALE_HOLD_ON_ERROR"]))
        raise
    finally:
        processes.stop_all()
        if created_database and not args.keep_db:
            postgres(pg_admin, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if args.keep_logs:
            print(f"Logs kept in {logs}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def wait_for_render(database_url, worker_id, timeout):
    """Wait (up to `timeout` s) until the worker is rendering a certificate. True if it is."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            (running,) = connection.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
                " AND worker_ids @> %s::jsonb",
                [json.dumps([worker_id])],
            ).fetchone()
            if running:
                return True
            time.sleep(0.1)
    return False


def wait_for_certificates(database_url, env, timeout, cron_every=15):
    """Give the surviving worker time to render what is queued, running `render_certificates
    --stalled` every `cron_every` s as cron would (it queues again a render whose worker was
    killed, once past its time bound). Returns how many certificates are still pending."""
    deadline = time.monotonic() + timeout
    next_cron = time.monotonic()
    with psycopg.connect(database_url, autocommit=True) as connection:
        while True:
            (pending,) = connection.execute(
                "SELECT count(*) FROM certificates_certificate WHERE render_status = 'pending'"
            ).fetchone()
            if pending == 0 or time.monotonic() > deadline:
                return pending
            if time.monotonic() >= next_cron:
                manage(env, "render_certificates", "--stalled")
                next_cron = time.monotonic() + cron_every
            time.sleep(1)


def print_table(results):
    print()
    row = "{:32} {:>8} {:>6} {:>7} {:>7}"
    print(row.format("step", "requests", "errors", "p50 ms", "p95 ms"))
    for name, step in sorted(results["steps"].items()):
        print(
            row.format(name, step["requests"], step["errors"], round(step["p50_ms"]), round(step["p95_ms"]))
        )
    total = results["total"]
    all_steps = row.format(
        "all", total["requests"], total["errors"], round(total["p50_ms"]), round(total["p95_ms"])
    )
    print(f"{all_steps}  ({total['req_per_s']} req/s)")
    journeys = results["journeys"]
    print(
        f"\nJourneys: {journeys['started']} started, {journeys['finished']} finished, "
        f"{len(journeys['abandoned'])} abandoned"
    )
    for abandoned in journeys["abandoned"][:5]:
        print(f"  {abandoned['learner']}: {abandoned['reason']}")
    pending = results["certificates_pending_after_drain"]
    print(f"Certificates still pending {results['drain_s']} s after the run: {pending}")
    print("\nChecks in the database:")
    for name, value in results["checks"]["figures"].items():
        print(f"  {name}: {value}")
    problems = results["checks"]["problems"]
    print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''}" + (":" if problems else "."))
    for problem in problems[:30]:
        print(f"  - {problem}")
    print(f"\nResults in {RESULTS.relative_to(ROOT)}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=8, help="simulated learners at once (Locust users)")
    parser.add_argument("--learners", type=int, default=60, help="learner accounts to go through")
    parser.add_argument("--duration", type=int, default=90, help="seconds of load")
    parser.add_argument("--app-workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--drain", type=int, default=120, help="seconds to wait for queued certificates")
    parser.add_argument("--no-kill", action="store_true", help="do not kill a server and a worker mid-run")
    parser.add_argument("--keep-db", action="store_true", help=f"keep the {DATABASE} database")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL database to connect to for creating and dropping scale_test",
    )
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
