"""Call overhead of the worker: the checking engine makes thousands of calls per run."""

import statistics
import time

import numpy as np

from verifier.sandbox import Worker


def test_round_trip_and_start_time(tmp_path, capsys):
    src = tmp_path / "fast.py"
    src.write_text("import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n")
    t0 = time.perf_counter()
    with Worker(str(src)) as w:
        assert w.load().ok
        started = time.perf_counter() - t0
        x = np.random.default_rng(0).normal(size=(64, 8))
        times = []
        for _ in range(500):
            t = time.perf_counter()
            out = w.call("sigmoid", x)
            times.append(time.perf_counter() - t)
            assert out.status == "ok"
    median = statistics.median(times)
    with capsys.disabled():
        print(f"\nworker start+load {started * 1e3:.1f} ms; call round trip (64, 8) float64: "
              f"median {median * 1e6:.0f} us, p90 {sorted(times)[449] * 1e6:.0f} us")
    assert median < 5e-3 and started < 10.0
