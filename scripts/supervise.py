"""Runs the Procfile's processes for `make run` and keeps the background ones up.

    supervise.py --procfile Procfile [--also "mail: command"]...

Every output line is prefixed with the time and the process name, as honcho does. When a
background process (worker, beat, mail) dies, it is started again after a pause that doubles
while it keeps dying quickly (1 s up to 30 s), and the web process keeps serving meanwhile. When
the web process dies the portal is down: everything is stopped and the message says how to start
it again. Ctrl-C or SIGTERM stops every process: SIGTERM to each one's process group, SIGKILL to
what is left after a grace period (at once on a second Ctrl-C).

Standard library only: it runs before anything else is known to work.
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

# Without it the portal is down, so its death ends the run rather than being hidden by restarts.
ESSENTIAL = "web"
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
# A process that ran this long before dying was not crash-looping: its next pause is short again.
STEADY_AFTER = 60.0
STOP_GRACE = 10.0
POLL = 0.2
PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
# Children get SIGTERM if this supervisor is killed outright (util-linux; Linux only).
SETPRIV = shutil.which("setpriv")


class Console:
    """One writer for every process, so lines from different processes never interleave."""

    def __init__(self, names):
        self.width = max(len(name) for name in [*names, "system"]) + 2
        self.lock = threading.Lock()

    def line(self, name, text):
        with self.lock:
            sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}}| {text}\n")
            sys.stdout.flush()

    def system(self, text):
        self.line("system", text)


class Child:
    """One Procfile process: started in its own process group, so stopping it also stops the
    processes it forked (a Celery worker's pool), and a Ctrl-C meant for `make run` reaches only
    the supervisor, which decides what stops and in what order."""

    def __init__(self, name, command, console):
        self.name = name
        self.command = command
        self.console = console
        self.process = None
        self.started_at = 0.0
        self.restart_at = None
        self.pause = FIRST_PAUSE

    @property
    def restarts(self):
        return self.name != ESSENTIAL

    def start(self):
        # The shell expands ${PORT:-8000} and the like; `exec` makes the command itself the child,
        # so its pid and its exit (or the signal that killed it) are the ones reported. A line
        # is therefore one command, as a Procfile's lines are.
        argv = ["/bin/sh", "-c", f"exec {self.command}"]
        if SETPRIV:
            argv = [SETPRIV, "--pdeathsig", "TERM", "--", *argv]
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        threading.Thread(target=self._copy_output, args=(self.process.stdout,), daemon=True).start()
        return self.process.pid

    def _copy_output(self, stream):
        for raw in iter(stream.readline, b""):
            self.console.line(self.name, raw.decode(errors="replace").rstrip("\r\n"))
        stream.close()

    def signal_group(self, signum):
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def check(self):
        """Returns how the process ended when it has just died, and schedules its restart."""
        if self.process is None:
            if self.restart_at is not None and time.monotonic() >= self.restart_at:
                pid = self.start()
                self.console.system(f"{self.name} restarted (pid {pid})")
            return None
        code = self.process.poll()
        if code is None:
            return None
        # What the dead process forked (a worker's pool) must not outlive it.
        self.signal_group(signal.SIGKILL)
        self.process = None
        ended = (
            f"was killed by {signal.Signals(-code).name}"
            if code < 0
            else f"exited with status {code}"
        )
        if self.restarts:
            if time.monotonic() - self.started_at >= STEADY_AFTER:
                self.pause = FIRST_PAUSE
            self.console.system(f"{self.name} died ({ended}); restarting it in {self.pause:g} s")
            self.restart_at = time.monotonic() + self.pause
            self.pause = min(self.pause * 2, LONGEST_PAUSE)
        return ended


class Supervisor:
    def __init__(self, children, console):
        self.children = children
        self.console = console
        self.stopping = False
        self.interrupts = 0

    def on_signal(self, signum, frame):
        # SIGTERM may follow a Ctrl-C (run.sh's clean-up sends it): only another Ctrl-C hurries.
        self.stopping = True
        self.interrupts += signum == signal.SIGINT

    def run(self):
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)
        parent = os.getppid()
        for child in self.children:
            self.console.system(f"{child.name} started (pid {child.start()})")
        status = 0
        while not self.stopping:
            if os.getppid() != parent:
                self.console.system("make run ended; stopping everything")
                break
            if self.essential_died():
                status = 1
                break
            time.sleep(POLL)
        if self.stopping:
            self.console.system("asked to stop; stopping everything")
        self.stop_all()
        self.console.system("everything stopped")
        return status

    def essential_died(self):
        for child in self.children:
            ended = child.check()
            if ended and not child.restarts:
                self.console.system(
                    f"{child.name} died ({ended}): the portal is no longer served. Stopping "
                    "everything; the lines above say why. Start it again with `make run`."
                )
                return True
        return False

    def stop_all(self):
        running = [child for child in self.children if child.process is not None]
        for child in running:
            child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        interrupts = self.interrupts
        while any(child.process.poll() is None for child in running):
            if time.monotonic() >= deadline or self.interrupts > interrupts:
                break
            time.sleep(0.1)
        for child in running:
            child.signal_group(signal.SIGKILL)
            child.process.wait()


def read_procfile(text):
    processes = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PROCFILE_LINE.match(line)
        if match is None:
            raise SystemExit(f"Not a Procfile line (expected `name: command`): {line}")
        processes.append(match.groups())
    return processes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procfile", type=Path, default=Path("Procfile"))
    parser.add_argument("--also", action="append", default=[], help='another "name: command"')
    args = parser.parse_args(argv)
    processes = read_procfile("\n".join([args.procfile.read_text(), *args.also]))
    console = Console([name for name, _ in processes])
    children = [Child(name, command, console) for name, command in processes]
    return Supervisor(children, console).run()


if __name__ == "__main__":
    sys.exit(main())
