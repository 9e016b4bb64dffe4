"""Costs of the sandbox (prints figures; not a test): starting a worker, round trips, a worker's memory.

    python benchmarks/sandbox.py [--starts 15] [--forks 7] [--calls 200] [--repeats 5]

Prints, side by side, medians of one run:

- worker start: from ``Worker(...)`` to a loaded source, forked by the zygote vs started as a new
  interpreter (``VERIFIER_ZYGOTE=off``); the zygote's own start, once per grading process, apart;
- the first worker of a forked grading process (``os.fork``, as ``grade_many`` forks one per
  submission): with a copy of its parent's zygote (the parent called ``zygote.warm()``), starting a
  zygote of its own (the parent has none), or as a new interpreter; and what the fork itself costs
  the parent with and without a zygote to copy;
- N calls of ``sigmoid`` on a small array: one request per call (``Worker.call``) vs all of them in
  one request (``Worker.call_many``), the way the engine now runs a check's bank cases: wall time per
  call, and CPU time per call of the verifier and of the worker together (what grading a class costs);
- the memory of a loaded worker: resident set (RSS), proportional set (PSS, shared pages divided
  among the processes that map them), unique set (USS: private pages), and what its memory cgroup is
  charged, where it has one.

Also the machine's load and the isolation layers in place: figures from a busy machine are slower.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from verifier.sandbox import Worker, active_layers, zygote  # noqa: E402

SOURCE = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def cpu_seconds():
    import time
    return time.process_time()
"""

PATHS = (("zygote", "auto"), ("new interpreter", "off"))


def _start_once(source: str) -> tuple[float, Worker]:
    start = time.perf_counter()
    w = Worker(source, call_timeout=10.0, load_timeout=60.0)
    loaded = w.load()
    elapsed = time.perf_counter() - start
    if not loaded.ok:
        raise SystemExit(f"the benchmark source did not load: {loaded.error}")
    return elapsed, w


def worker_starts(source: str, n: int) -> dict[str, float]:
    """Median seconds from Worker() to a loaded source, per path; plus the zygote's own first start."""
    out: dict[str, float] = {}
    for label, value in PATHS:
        os.environ[zygote.ENV_VAR] = value
        if value == "auto":
            zygote.stop()
            first, w = _start_once(source)  # starts the zygote, then forks
            w.close()
            out["first start (zygote starts)"] = first
        times = []
        for _ in range(n):
            elapsed, w = _start_once(source)
            forked = isinstance(w._proc, zygote.Forked)
            w.close()
            if forked != (value == "auto"):
                raise SystemExit(f"{label}: the worker was not started that way ({zygote.refused()})")
            times.append(elapsed)
        out[label] = statistics.median(times)
    os.environ[zygote.ENV_VAR] = "auto"
    return out


def round_trips(source: str, n: int, repeats: int) -> dict[str, float]:
    """Median seconds for `n` calls: one request each vs one call_many; and the median CPU seconds of
    the verifier and of the worker for one call_many."""
    zs = [np.linspace(-3.0, 3.0, 7) + i for i in range(n)]
    single, batch, mine, theirs = [], [], [], []
    with Worker(source, call_timeout=10.0) as w:
        w.load()
        w.call("sigmoid", zs[0])  # warm
        w.call_many("sigmoid", [((z,), {}) for z in zs])
        for _ in range(repeats):
            start = time.perf_counter()
            outs = [w.call("sigmoid", z) for z in zs]
            single.append(time.perf_counter() - start)
            before = w.call("cpu_seconds").value
            cpu, start = time.process_time(), time.perf_counter()
            many = w.call_many("sigmoid", [((z,), {}) for z in zs])
            batch.append(time.perf_counter() - start)
            mine.append(time.process_time() - cpu)
            theirs.append(w.call("cpu_seconds").value - before)
            if not all(o.ok for o in outs + many) or w.starts != 1:
                raise SystemExit("a benchmark call failed")
    return {
        "one request per call": statistics.median(single),
        "one call_many": statistics.median(batch),
        "verifier CPU": statistics.median(mine),
        "worker CPU": statistics.median(theirs),
    }


def _first_worker_in_child(source: str) -> tuple[float, str]:
    """In a forked child: seconds from Worker() to a loaded source, and how the worker was started."""
    had_copy = zygote._current is not None and zygote._current.proc is None
    elapsed, w = _start_once(source)
    kind = "zygote" if isinstance(w._proc, zygote.Forked) else "interpreter"
    w.close()
    return elapsed, kind + (" copy" if had_copy else "")


def _fork_and_time(source: str) -> tuple[float, float, str]:
    """Fork a child as grade_many does; (seconds os.fork took here, the child's first worker, how)."""
    read, write = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, never return into the benchmark
        code = 1
        try:
            os.close(read)
            took, kind = _first_worker_in_child(source)
            os.write(write, f"{took} {kind}".encode())
            code = 0
        finally:
            os._exit(code)
    forked = time.perf_counter() - start
    os.close(write)
    answer = os.read(read, 200).decode().split(" ", 1)
    os.close(read)
    os.waitpid(pid, 0)
    if len(answer) != 2:
        raise SystemExit("a forked child did not start its worker")
    return forked, float(answer[0]), answer[1]


FORKED = (
    ("copy of the parent's zygote", "auto", True, "zygote copy"),
    ("a zygote of its own", "auto", False, "zygote"),
    ("new interpreter", "off", False, "interpreter"),
)


def forked_children(source: str, n: int) -> dict[str, tuple[float, float]]:
    """Per way: median seconds of the first worker of a forked child, and of the parent's os.fork."""
    out: dict[str, tuple[float, float]] = {}
    for label, value, warm, expected in FORKED:
        os.environ[zygote.ENV_VAR] = value
        zygote.stop()
        if warm and not zygote.warm():
            raise SystemExit(f"the zygote did not start: {zygote.refused()}")
        forks, firsts = [], []
        for _ in range(n):
            forked, first, kind = _fork_and_time(source)
            if kind != expected:
                raise SystemExit(f"{label}: the child's worker was started as {kind!r}, not {expected!r}")
            forks.append(forked)
            firsts.append(first)
        out[label] = (statistics.median(firsts), statistics.median(forks))
    zygote.stop()
    os.environ[zygote.ENV_VAR] = "auto"
    return out


def _smaps(pid: int) -> dict[str, int]:
    """kB figures of /proc/PID/smaps_rollup (Rss, Pss, Private_*), or {} when unreadable."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    out[parts[0][:-1]] = int(parts[1])
    except OSError:
        pass
    return out


def _group_pids(pgid: int) -> list[int]:
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:
                    pids.append(int(name))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def _cgroup_charge(w: Worker) -> int | None:
    memory = w._memory
    if memory is None:
        return None
    for name in ("memory.current", "memory.usage_in_bytes"):
        try:
            with open(os.path.join(memory.path, name)) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return None


def worker_memory(source: str) -> dict[str, dict[str, float | None]]:
    """MiB of the loaded worker process (the largest of its tree), per path."""
    out: dict[str, dict[str, float | None]] = {}
    for label, value in PATHS:
        os.environ[zygote.ENV_VAR] = value
        with Worker(source, call_timeout=10.0) as w:
            w.load()
            w.call("sigmoid", np.zeros(7))
            pids = w._cgroup.pids() if w._cgroup is not None else []
            if not pids and w._proc is not None:
                pids = _group_pids(w._proc.pid)
            rollups = [r for r in (_smaps(p) for p in pids) if r]
            top = max(rollups, key=lambda r: r.get("Rss", 0), default={})
            charge = _cgroup_charge(w)
        uss = top.get("Private_Clean", 0) + top.get("Private_Dirty", 0)
        out[label] = {
            "RSS": top.get("Rss", 0) / 1024 if top else None,
            "PSS": top.get("Pss", 0) / 1024 if top else None,
            "USS": uss / 1024 if top else None,
            "cgroup charge": charge / (1 << 20) if charge is not None else None,
        }
    os.environ[zygote.ENV_VAR] = "auto"
    return out


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms"
    return f"{value:.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=15, help="worker starts per path (default 15)")
    parser.add_argument("--forks", type=int, default=7, help="forked children per way (default 7)")
    parser.add_argument("--calls", type=int, default=200, help="calls per round-trip run (default 200)")
    parser.add_argument("--repeats", type=int, default=5, help="round-trip runs (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        source = str(Path(tmp) / "cand.py")
        Path(source).write_text(SOURCE)
        load = os.getloadavg()[0]
        starts = worker_starts(source, args.starts)
        children = forked_children(source, args.forks)
        trips = round_trips(source, args.calls, args.repeats)
        memory = worker_memory(source)
    print(f"load average before: {load:.2f} on {os.cpu_count()} CPUs; after: {os.getloadavg()[0]:.2f}")
    print(f"isolation layers: {', '.join(active_layers())}")
    print()
    print(f"worker start, Worker() to a loaded source (median of {args.starts})")
    print(f"  {'zygote':>16}  {'new interpreter':>16}  {'speed-up':>8}")
    speed = starts["new interpreter"] / starts["zygote"]
    print(f"  {_cell(starts['zygote'], 's'):>16}  {_cell(starts['new interpreter'], 's'):>16}  {speed:7.1f}x")
    first = _cell(starts["first start (zygote starts)"], "s")
    print(f"  (the first worker of a process also starts the zygote: {first})")
    print()
    print(f"first worker of a forked grading process, Worker() to a loaded source (median of {args.forks})")
    print(f"  {'':28}  {'first worker':>12}  {'os.fork in the parent':>21}")
    for label, _, _, _ in FORKED:
        took, forked = children[label]
        print(f"  {label:28}  {_cell(took, 's'):>12}  {_cell(forked, 's'):>21}")
    print()
    n = args.calls
    print(f"{n} calls of sigmoid on 7 numbers (median of {args.repeats})")
    print(f"  {'one per request':>22}  {'one call_many':>22}  {'speed-up':>8}")
    one, many = trips["one request per call"], trips["one call_many"]
    cells = [f"{_cell(t, 's')} ({t / n * 1e6:.0f} us/call)" for t in (one, many)]
    print(f"  {cells[0]:>22}  {cells[1]:>22}  {one / many:7.1f}x")
    mine, theirs = trips["verifier CPU"], trips["worker CPU"]
    print(
        f"  call_many CPU time per call: {(mine + theirs) / n * 1e6:.0f} us "
        f"(verifier {mine / n * 1e6:.0f} us + worker {theirs / n * 1e6:.0f} us)"
    )
    print()
    print("memory of a loaded worker (its largest process; cgroup: the whole tree's charge)")
    print(f"  {'':14}  {'zygote':>10}  {'new interpreter':>16}")
    for key in ("RSS", "PSS", "USS", "cgroup charge"):
        forked, fresh = (_cell(memory[path][key], "MiB") for path in ("zygote", "new interpreter"))
        print(f"  {key:14}  {forked:>10}  {fresh:>16}")
    zygote.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
