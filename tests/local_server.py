"""Starting and stopping the real servers some tests talk to (the OIDC provider, the Ralph LRS):
each runs as a subprocess on a free local port, logging to a file."""

import subprocess
import time

import requests


def wait_until_up(process, url, log, name, timeout, poll=0.1):
    """Return once `url` answers 2xx; raise (with the server's log) if the process ends or
    `timeout` seconds pass first, stopping it in the second case."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped:\n{log.read_text()}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(poll)
    stop_process(process)
    raise RuntimeError(f"{name} did not start:\n{log.read_text()}")


def stop_process(process):
    """Terminate the server (kill it after 10 s); nothing to do if it has already stopped."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
