#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""jvm.py - what the JVM costs when dropscope runs, as a user starts it (./dropscope).

usage: sudo bench/jvm.py [-s STARTS] [-r SECONDS] [-i SECONDS] [-w SECONDS] [-f FILTER] [what ...]
  what   any of: start rss idle (default: all three), or classlist
  -s     starts per command for "start", default 10
  -r     seconds before RSS is read, default 30
  -i     seconds of idle measured for "idle", default 600
  -w     seconds of warm-up before idle is measured, default 30
  -f     --filter for the live commands, e.g. "symbol == no_such_function" when the machine has
         drops of its own (idle means no drops: the kernel evaluates the filter, so none reach
         the ring; the shell has no filter); default none
  DROPSCOPE_JAVA_OPTS is passed on, as ./dropscope passes it to java.

start: time from fork to the first output line (stdout or stderr, at a pseudo-terminal or a
       pipe) of `--version`, `top -b` and `top` at a terminal, and to top's table ("DROPS/S");
       median, min and max over the starts; and the CPU time (user + system) each start used
       until it was ended, which a busy machine disturbs less than the wall-clock time.
rss:   VmRSS and VmHWM of `top` (at a pseudo-terminal), `record -o FILE` and the shell after
       `start`, once they have run -r seconds.
idle:  the same three; after the warm-up, user + system CPU time and context switches per
       thread over -i seconds, as CPU seconds and wake-ups per hour; the busiest threads (by CPU
       time, then wake-ups) are listed with theirs. The drops each saw are printed (top's and
       the shell's screen, record's final line), since drops are not idle.
classlist: writes config/cds.classlist, the classes ./dropscope archives for class-data sharing:
       those `top -b -n 2` loads, and `top -n 2` at a terminal (JLine's); run it after a change
       that loads other classes at start (a class missing from the list is loaded the slow way).
Needs root (the tracepoint), python3, a built or buildable ./dropscope.
"""
import argparse
import fcntl
import os
import pty
import re
import signal
import statistics
import subprocess
import struct
import sys
import termios
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "dropscope")
TICK = os.sysconf("SC_CLK_TCK")


def controlling_terminal():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))


class Run:
    """One ./dropscope process, at a pseudo-terminal (tty=True) or with its output piped."""

    def __init__(self, args, tty):
        self.args = args
        self.tty = tty
        self.out = b""
        self.cpu = float("nan")
        self.t0 = time.monotonic()
        if tty:
            master, slave = pty.openpty()
            os.set_blocking(master, False)
            self.fd = master
            # JLine wants a controlling terminal, as a user's shell gives it.
            self.proc = subprocess.Popen([LAUNCHER] + args, stdin=slave, stdout=slave, stderr=slave,
                                         preexec_fn=controlling_terminal, close_fds=True,
                                         env=dict(os.environ, TERM=os.environ.get("TERM", "xterm")))
            os.close(slave)
        else:
            self.proc = subprocess.Popen([LAUNCHER] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, start_new_session=True)
            self.fd = self.proc.stdout.fileno()
            os.set_blocking(self.fd, False)

    def alive(self):
        """Whether it still runs; reaps it (and keeps its CPU time) once it has ended."""
        if self.proc.returncode is not None:
            return False
        pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.cpu = usage.ru_utime + usage.ru_stime
        return False

    def pump(self, seconds):
        """Reads what it wrote for up to `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not self.read_some(end - time.monotonic()):
                if not self.alive():
                    return

    def read_some(self, timeout):
        import select
        r, _, _ = select.select([self.fd], [], [], max(0.0, min(timeout, 0.5)))
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except (BlockingIOError, OSError):
            return False
        if not data:
            return False
        self.out += data
        return True

    def wait_for(self, pattern, seconds=30.0):
        """Seconds from the start until the output matched `pattern`, or None."""
        end = time.monotonic() + seconds
        rx = re.compile(pattern)
        while time.monotonic() < end:
            if rx.search(self.out):
                return time.monotonic() - self.t0
            if not self.read_some(end - time.monotonic()) and not self.alive():
                return time.monotonic() - self.t0 if rx.search(self.out) else None
        return None

    def send(self, text):
        os.write(self.fd, text.encode())

    def end(self):
        if self.proc.returncode is None:
            if self.tty and self.args and self.args[0] == "top":
                self.send("q")
            elif self.tty:
                self.send("stop\nexit\n")
            else:
                self.proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            while self.alive() and time.monotonic() < deadline:
                self.pump(0.1)
            if self.alive():
                self.proc.kill()
        while self.alive():
            time.sleep(0.05)
        self.pump(0.2)
        os.close(self.fd) if self.tty else None

    def threads(self):
        """{tid: (name, cpu ticks, context switches)} of the JVM's threads."""
        result = {}
        task = f"/proc/{self.proc.pid}/task"
        for tid in os.listdir(task):
            try:
                with open(f"{task}/{tid}/stat") as f:
                    stat = f.read()
                with open(f"{task}/{tid}/status") as f:
                    status = f.read()
            except FileNotFoundError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            ticks = int(fields[11]) + int(fields[12])
            switches = sum(int(m) for m in re.findall(r"_ctxt_switches:\s+(\d+)", status))
            result[tid] = (name, ticks, switches)
        return result

    def memory(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            status = f.read()
        return {k: int(re.search(k + r":\s+(\d+)", status).group(1)) // 1024 for k in ("VmRSS", "VmHWM")}


def live_commands(record_file, flt):
    extra = ["--filter", flt] if flt else []
    return [("top", ["top"] + extra, True), ("record", ["record", "-o", record_file] + extra, False),
            ("shell", [], True)]


def started(name, run):
    if name == "shell":
        run.wait_for(rb"dropwatch>|> ", 30)
        run.send("start\n")


def drops_seen(name, run):
    text = run.out.decode(errors="replace")
    if name == "record":
        m = re.findall(r"(\d[\d,]*) drops", text)
        return m[-1] if m else "?"
    if name == "top":
        m = re.findall(r"drops ([\d,]+) total", text)
        return m[-1] if m else "?"
    return str(len(re.findall(r"drops? at ", text))) + " lines"


def measure_start(n):
    cases = [("--version", ["--version"], False, rb"\n"), ("top -b", ["top", "-b"], False, rb"\n"),
             ("top (terminal)", ["top"], True, rb"\n"), ("top table", ["top"], True, rb"DROPS/S")]
    print(f"start: seconds from fork to the first output line, {n} starts each")
    for label, args, tty, pattern in cases:
        times, cpus = [], []
        for _ in range(n):
            run = Run(args, tty)
            t = run.wait_for(pattern)
            run.end()
            times.append(t if t is not None else float("nan"))
            cpus.append(run.cpu)
            time.sleep(0.3)
        print(f"  {label:16s} median {statistics.median(times):.3f}  min {min(times):.3f}  max {max(times):.3f}"
              f"  (cpu until ended: median {statistics.median(cpus):.2f})")


def measure_live(seconds_rss, idle, warm, flt, what):
    with tempfile.TemporaryDirectory() as tmp:
        runs = {name: Run(args, tty) for name, args, tty in live_commands(os.path.join(tmp, "idle.dsr"), flt)}
        try:
            for name, run in runs.items():
                started(name, run)
            if "rss" in what:
                for run in runs.values():
                    run.pump(max(0.0, seconds_rss - (time.monotonic() - run.t0)) / len(runs))
                print(f"rss after {seconds_rss} s (MiB):")
                for name, run in runs.items():
                    m = run.memory()
                    print(f"  {name:7s} VmRSS {m['VmRSS']:4d}  VmHWM {m['VmHWM']:4d}")
            if "idle" in what:
                for run in runs.values():
                    run.pump(max(0.0, warm - (time.monotonic() - run.t0)) / len(runs))
                before = {name: run.threads() for name, run in runs.items()}
                t0 = time.monotonic()
                while time.monotonic() - t0 < idle:
                    for run in runs.values():
                        run.pump(min(1.0, idle - (time.monotonic() - t0)) / len(runs))
                elapsed = time.monotonic() - t0
                after = {name: run.threads() for name, run in runs.items()}
                print(f"idle over {elapsed:.0f} s (per hour):")
                for name, run in runs.items():
                    b, a = before[name], after[name]
                    per = {}
                    for tid, (tname, ticks, sw) in a.items():
                        bt = b.get(tid, (tname, 0, 0))
                        p = per.setdefault(tname, [0, 0])
                        p[0] += ticks - bt[1]
                        p[1] += sw - bt[2]
                    cpu = sum(p[0] for p in per.values()) / TICK * 3600 / elapsed
                    wakes = sum(p[1] for p in per.values()) * 3600 / elapsed
                    busiest = sorted(per.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))[:4]
                    print(f"  {name:7s} cpu {cpu:6.2f} s/h  wake-ups {wakes:9.0f}/h  busiest: "
                          + ", ".join(f"{t} {p[0] / TICK * 3600 / elapsed:.2f} s {p[1] * 3600 / elapsed:.0f}"
                                      for t, p in busiest))
        finally:
            for run in runs.values():
                run.end()
        if "idle" in what:
            print("drops seen: " + ", ".join(f"{name} {drops_seen(name, run)}" for name, run in runs.items()))


def write_classlist():
    out = os.path.join(ROOT, "config", "cds.classlist")
    env = os.environ.get("DROPSCOPE_JAVA_OPTS", "")
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        # Batch mode, then at a terminal (JLine's classes, the key thread's): the union, in order.
        for i, tty in enumerate((False, True)):
            listed = os.path.join(tmp, f"classes{i}")
            os.environ["DROPSCOPE_JAVA_OPTS"] = f"{env} -XX:DumpLoadedClassList={listed}".strip()
            run = Run(["top", "-b", "-n", "2"] if not tty else ["top", "-n", "2"], tty)
            run.wait_for(rb"DROPS/S[^$]*DROPS/S" if not tty else rb"DROPS/S", 60)
            if tty:
                run.pump(5)
            run.end()
            with open(listed) as f:
                lines += [line for line in f if not (i and line.startswith("#")) and line not in lines]
        os.environ["DROPSCOPE_JAVA_OPTS"] = env
    with open(out, "w") as o:
        o.write("".join(lines))
    print(f"classlist: {out}")


def main():
    p = argparse.ArgumentParser(usage=__doc__.split("\n")[2])
    p.add_argument("-s", type=int, default=10)
    p.add_argument("-r", type=float, default=30)
    p.add_argument("-i", type=float, default=600)
    p.add_argument("-w", type=float, default=30)
    p.add_argument("-f", default="")
    p.add_argument("what", nargs="*", default=["start", "rss", "idle"])
    a = p.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  DROPSCOPE_JAVA_OPTS={os.environ.get('DROPSCOPE_JAVA_OPTS', '')!r}")
    if "classlist" in a.what:
        write_classlist()
    if "start" in a.what:
        measure_start(a.s)
    if "rss" in a.what or "idle" in a.what:
        measure_live(a.r, a.i, a.w, a.f, a.what)


if __name__ == "__main__":
    sys.exit(main())
