"""Confirms the expected assessment of every task in manifest.toml against the exact oracle.

    .venv/bin/python tests/realworld/check_labels.py [-v] [NAME_FILTER]
    REALWORLD_SEED=7 .venv/bin/python tests/realworld/check_labels.py     # other random probes

It uses only numpy and the project's exact oracle (`reference`), never the verifier.  For each
[[submission]] it

1. lays the submission out in a fresh temporary folder the way the grading contract says:
   a .py / .ipynb is copied, a folder is copied without symlinks, files resolving outside it,
   __pycache__/ and hidden folders (.ipynb_checkpoints/, .idea/), a .zip is unpacked refusing
   absolute names, '..' parts, symlink entries and __MACOSX/; the assignment's support files are
   copied beside it;
2. for each task picks the first file (sorted paths) whose text has `def FUNCTION(` and loads it
   with the assignment's preamble, statement by statement (a .py) or cell by cell and then
   statement by statement (a notebook; lines starting with % or ! are dropped), skipping every
   top-level statement that raises; input()/raw_input() raise; sibling imports work because the
   folder is first on sys.path;
3. calls the function with the argument order and shapes its signature declares on ordinary
   random inputs (several m, n, float and, where the assignment says so, int labels, plus rows
   with z near 0 for predict) and on tail inputs (|z| = 20 ... 1000, batches that are all right,
   all wrong or all saturated), and compares with the oracle:
   cost / gradient with the task's reduction, penalty and intercept convention; predict against
   the sign of the exact z (either answer where |z| < 1e-12).  A value agrees when it is within
   1e-11 of the magnitude of the terms that make it up (for sigmoid: 1e-12 relative) plus an
   absolute floor of 8 x the smallest normal number, the floor of the project's robust standard
   (docs/envelopes.md), so a sigmoid that flushes a subnormal result to 0 is not penalized;
4. assesses: broken (does not load, function missing, signature mismatch, raises on ordinary
   inputs), wrong (a wrong value or shape on ordinary inputs), fragile (right on ordinary
   inputs, wrong or raising in a tail), correct;
5. compares with the manifest's `assessment` (and reports the mistake it sees next to the
   manifest's `mistake` where it can tell), and checks that every [[lms]] export holds
   byte-identical copies of the submissions it maps its students to.

The last line is the summary.  Exit status 0 when every label is confirmed.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import copy
import importlib
import inspect
import io
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import tomllib
import traceback
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.dont_write_bytecode = True

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the project root, for `reference`
import reference  # noqa: E402

TINY = np.finfo(np.float64).tiny
FLOOR = 8 * TINY
RTOL = 1e-11
SIG_RTOL = 1e-12
LAM_NAMES = {"lam", "lambda_", "Lambda", "_lambda", "lamda", "lamb", "lambd", "l", "mylambda", "reg",
             "reg_lambda", "lambda_reg", "lmbda", "lbd"}
VERBOSE = False


# ----------------------------------------------------------------------------- signatures


@dataclass
class Signature:
    inputs: list[str]
    outputs: list  # str tokens, or ("dict", [keys])


def parse_signature(text: str | None, target: str) -> Signature:
    if not text:
        if target == "sigmoid":
            return Signature(["z"], ["f"])
        raise ValueError(f"target {target} needs a signature")
    lhs, rhs = text.split("->")
    inputs = [t.strip() for t in lhs.split(",") if t.strip()]
    outputs: list = []
    for m in re.finditer(r"\{([^}]*)\}|([A-Za-z_][A-Za-z_0-9]*)", rhs):
        if m.group(1) is not None:
            outputs.append(("dict", [k.strip() for k in m.group(1).split(",")]))
        else:
            outputs.append(m.group(2))
    return Signature(inputs, outputs)


# ----------------------------------------------------------------------------- laying out a submission


class Refused(Exception):
    pass


def _copy_folder(src: Path, dst: Path, findings: list[str]) -> None:
    root = src.resolve()
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        d = Path(dirpath)
        keep = []
        for name in dirnames:
            p = d / name
            if p.is_symlink():
                findings.append(f"symlink refused: {p.relative_to(src)}")
            elif name == "__pycache__" or name.startswith("."):
                continue
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            p = d / name
            rel = p.relative_to(src)
            if p.is_symlink():
                findings.append(f"symlink refused: {rel}")
                continue
            if not p.resolve().is_relative_to(root):
                findings.append(f"outside the folder, refused: {rel}")
                continue
            if name.endswith(".pyc"):
                continue
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dst / rel)


def _unzip(src: Path, dst: Path, findings: list[str]) -> Path:
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            name = info.filename
            parts = Path(name).parts
            mode = info.external_attr >> 16
            if name.startswith("/") or ".." in parts:
                findings.append(f"zip entry refused (outside the archive): {name}")
                continue
            if stat.S_ISLNK(mode):
                findings.append(f"zip entry refused (symlink): {name}")
                continue
            if parts and parts[0] == "__MACOSX":
                continue
            if info.is_dir():
                continue
            out = dst / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(z.read(info))
    tops = [p for p in dst.iterdir()]
    if len(tops) == 1 and tops[0].is_dir():
        return tops[0]
    return dst


def lay_out(sub_path: Path, assignment_path: Path, assignment: dict, workdir: Path) -> tuple[Path, list[str]]:
    findings: list[str] = []
    root = workdir / "sub"
    root.mkdir()
    if sub_path.is_dir():
        _copy_folder(sub_path, root, findings)
    elif sub_path.suffix == ".zip":
        root = _unzip(sub_path, root, findings)
    else:
        shutil.copyfile(sub_path, root / sub_path.name)
    for s in assignment["assignment"].get("support", []):
        p = (assignment_path.parent / s).resolve()
        if p.is_dir():
            shutil.copytree(p, root / p.name, dirs_exist_ok=True)
        else:
            shutil.copyfile(p, root / p.name)
    return root, findings


# ----------------------------------------------------------------------------- loading


def _no_input(*a, **k):
    raise EOFError("input() is not available while grading")


def _cells(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for c in nb["cells"]:
            if c["cell_type"] != "code":
                continue
            src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            if src.lstrip().startswith("%%"):
                continue
            lines = [("pass" if l.lstrip().startswith(("%", "!")) else l) for l in src.split("\n")]
            out.append("\n".join(lines))
        return out
    return [path.read_text(encoding="utf-8")]


@dataclass
class Loaded:
    ns: dict | None
    error: str = ""          # "syntax-error" / "load-error"
    detail: str = ""
    skipped: list[str] = field(default_factory=list)


def load(path: Path, preamble: str) -> Loaded:
    ns: dict = {"__name__": "__submission__", "__file__": str(path), "__builtins__": builtins}
    skipped: list[str] = []
    if preamble:
        exec(compile(preamble, "<preamble>", "exec"), ns)
    cells = _cells(path)
    for k, src in enumerate(cells):
        try:
            tree = ast.parse(src)
        except SyntaxError as e:
            if path.suffix == ".py":
                return Loaded(None, "syntax-error", f"{type(e).__name__}: {e.msg} (line {e.lineno})")
            skipped.append(f"cell {k + 1}: {type(e).__name__}")
            continue
        for stmt in tree.body:
            code = compile(ast.Module(body=[stmt], type_ignores=[]), str(path), "exec")
            try:
                with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    exec(code, ns)
            except BaseException as e:  # noqa: BLE001 - a failing top-level statement is skipped
                if isinstance(e, KeyboardInterrupt):
                    raise
                skipped.append(f"line {stmt.lineno}: {type(e).__name__}: {str(e)[:80]}")
    return Loaded(ns, skipped=skipped)


@contextlib.contextmanager
def submission_env(root: Path):
    old_cwd = os.getcwd()
    old_path = list(sys.path)
    old_modules = set(sys.modules)
    old_input = builtins.input
    builtins.input = _no_input
    builtins.raw_input = _no_input
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        plt.show = lambda *a, **k: None
    except Exception:  # noqa: BLE001
        pass
    os.chdir(root)
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
        builtins.input = old_input
        if hasattr(builtins, "raw_input"):
            del builtins.raw_input
        for name in set(sys.modules) - old_modules:
            mod = sys.modules.get(name)
            f = getattr(mod, "__file__", None) or ""
            if f.startswith(str(root.parent)) or f == "":
                sys.modules.pop(name, None)
        try:
            import matplotlib.pyplot as plt
            plt.close("all")
        except Exception:  # noqa: BLE001
            pass


def find_file(root: Path, function: str) -> Path | None:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb"))
    pat = re.compile(r"\bdef\s+" + re.escape(function) + r"\s*\(")
    for p in files:
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if pat.search(text):
            return p
    return None


# ----------------------------------------------------------------------------- the maths


@dataclass
class Case:
    kind: str          # "ordinary" or "tail"
    label: str
    X: np.ndarray      # (m, n) features, no ones column
    y: np.ndarray      # (m,)
    w: np.ndarray      # (n,)
    b: float


def conventions(task: dict) -> tuple[str, str, bool, float]:
    return (task.get("reduction", "mean"), task.get("penalty", "lam/(2m)"),
            bool(task.get("penalize_intercept", False)), float(task.get("lambda", 0.0)))


def exact(case: Case, task: dict, has_lam: bool) -> dict:
    reduction, penalty, pen_b, lam = conventions(task)
    if not has_lam:
        lam = 0.0
    X, y, w, b = case.X, case.y, case.w, case.b
    m = X.shape[0]
    data = reference.cost(X, y, w, b, 0.0)
    g = reference.gradient(X, y, w, b, 0.0)
    k = m if reduction == "sum" else 1
    factor = {"lam/(2m)": lam / (2 * m), "lam/2": lam / 2, "lam": lam}[penalty]
    ww = float(np.dot(w, w))  # exact enough: these are ordinary-size weights
    J = float(data) * k + factor * (ww + (b * b if pen_b else 0.0))
    gw = np.array([float(v) * k for v in g.w]) + 2 * factor * w
    gb = float(g.b) * k + (2 * factor * b if pen_b else 0.0)
    z = X @ w + b
    s = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
    div = 1 if reduction == "sum" else m
    J_scale = np.sum(np.logaddexp(0, z) + np.abs(y * z)) / div + abs(factor) * (ww + b * b)
    gw_scale = (np.abs(X).T @ (s + np.abs(y))) / div + np.abs(2 * factor * w)
    gb_scale = np.sum(s + np.abs(y)) / div + abs(2 * factor * b)
    zx = reference.logits(X, w, b)
    labels = np.array([1.0 if v >= 0 else 0.0 for v in zx])
    either = np.array([abs(float(v)) < 1e-12 for v in zx])
    return dict(J=J, gw=gw, gb=gb, J_scale=J_scale, gw_scale=gw_scale, gb_scale=gb_scale,
                labels=labels, either=either)


def _agree(got, want, scale) -> bool:
    got = np.asarray(got, dtype=float)
    return bool(np.all(np.isfinite(got)) and np.all(np.abs(got - want) <= RTOL * scale + FLOOR * (1 + scale)))


# ----------------------------------------------------------------------------- probes


def _rng(seed: int):
    return np.random.default_rng(seed)


def ordinary_cases(has_bias: bool, int_labels: bool, seed: int) -> list[Case]:
    rng = _rng(seed)
    out = []
    for m, n in ((7, 3), (40, 2), (5, 1), (12, 4)):
        X = rng.normal(0.0, 1.0, (m, n))
        w = rng.normal(0.0, 0.7, n)
        b = float(rng.normal(0.0, 0.5)) if has_bias else 0.0
        y = rng.integers(0, 2, m).astype(float)
        if y.min() == y.max():
            y[0] = 1 - y[0]
        out.append(Case("ordinary", f"m={m} n={n}", X, y, w, b))
    if int_labels:
        c = out[0]
        out.append(Case("ordinary", "int labels", c.X, c.y.astype(np.int64), c.w, c.b))
    # rows whose z lies near the threshold (predict); ordinary values for cost and gradient too
    zs = np.array([0.05, 0.1, 0.15, 0.19, -0.05, -0.1, -0.15, -0.19, 0.3, -0.3, 0.45, 0.6])
    out.append(_designed("ordinary", "z near 0", zs, np.array([1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0.]),
                         has_bias, rng))
    return out


def _designed(kind: str, label: str, zs: np.ndarray, y: np.ndarray, has_bias: bool, rng) -> Case:
    w = np.array([1.0, 0.5])
    b = 0.25 if has_bias else 0.0
    t = rng.uniform(-1, 1, zs.size)
    X = np.c_[zs - 0.5 * t - b, t]
    return Case(kind, label, X, y.astype(float), w, b)


def tail_cases(has_bias: bool, seed: int) -> list[Case]:
    rng = _rng(seed + 1)
    T = []
    z = np.array([40, -40, 800, -800, -740, 37.5, -37.5, 20, -20, 0.3])
    T.append(_designed("tail", "mixed tails", z, np.array([0, 0, 1, 1, 0, 1, 0, 0, 1, 1]), has_bias, rng))
    z = np.array([40, 800, -40, -800, -740, 37.5, -1000])
    T.append(_designed("tail", "all right", z, np.array([1, 1, 0, 0, 0, 1, 0]), has_bias, rng))
    z = np.array([40, 800, -40, -800, -740, 710])
    T.append(_designed("tail", "all wrong", z, np.array([0, 0, 1, 1, 1, 0]), has_bias, rng))
    z = np.array([-800, -760, -900, -1000])
    T.append(_designed("tail", "all saturated negative", z, np.zeros(4), has_bias, rng))
    z = np.array([800, 760, 900, 1000])
    T.append(_designed("tail", "all saturated positive", z, np.ones(4), has_bias, rng))
    return T


def build_args(sig: Signature, case: Case, lam: float) -> list:
    X, y, w, b = case.X, case.y, case.w, case.b
    m = X.shape[0]
    X1 = np.hstack([np.ones((m, 1)), X])
    theta = np.r_[b, w]
    vals = {"X": X, "X1": X1, "XT": X.T.copy(), "y": y, "ycol": y.reshape(-1, 1),
            "yrow": y.reshape(1, -1), "w": w, "wcol": w.reshape(-1, 1), "b": b, "theta": theta,
            "thetacol": theta.reshape(-1, 1), "lam": lam}
    return [copy.deepcopy(vals[t]) for t in sig.inputs]


class Mismatch(Exception):
    pass


def _scalar(v, what: str) -> float:
    a = np.asarray(v, dtype=float)
    if a.size != 1:
        raise Mismatch(f"{what} has shape {a.shape}, a scalar was expected")
    return float(a.reshape(()))


def _vector(v, shape: tuple, what: str, flat_ok: bool) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    if a.shape != shape and not (flat_ok and a.shape == (int(np.prod(shape)),)):
        raise Mismatch(f"{what} has shape {a.shape}, {shape} was expected")
    return a.reshape(-1)


def judge(sig: Signature, task: dict, out, case: Case) -> tuple[bool, str]:
    """(agrees, why not) for one call's output."""
    target = task["target"]
    has_lam = "lam" in sig.inputs
    ex = exact(case, task, has_lam)
    outs = sig.outputs
    if len(outs) == 1:
        vals = [out]
    else:
        if not isinstance(out, (tuple, list)) or len(out) != len(outs):
            return False, f"returned {type(out).__name__}, {len(outs)} values expected"
        vals = list(out)
    m, n = case.X.shape
    theta_tok = "thetacol" if "thetacol" in sig.inputs else ("theta" if "theta" in sig.inputs else None)
    w_tok = "wcol" if "wcol" in sig.inputs else "w"
    try:
        for tok, v in zip(outs, vals):
            if tok == "_":
                continue
            if tok == "J":
                if not _agree(_scalar(v, "J"), ex["J"], ex["J_scale"]):
                    return False, f"J = {v!r}, expected {ex['J']!r}"
            elif tok == "grad":
                shape = (n + 1, 1) if theta_tok == "thetacol" else (n + 1,)
                g = _vector(v, shape, "grad", flat_ok=theta_tok == "thetacol")
                want = np.r_[ex["gb"], ex["gw"]]
                scale = np.r_[ex["gb_scale"], ex["gw_scale"]]
                if not _agree(g, want, scale):
                    return False, f"grad = {g}, expected {want}"
            elif tok == "dj_dw":
                shape = (n, 1) if w_tok == "wcol" else (n,)
                g = _vector(v, shape, "dj_dw", flat_ok=False)
                if not _agree(g, ex["gw"], ex["gw_scale"]):
                    return False, f"dj_dw = {g}, expected {ex['gw']}"
            elif tok == "dj_db":
                if not _agree(_scalar(v, "dj_db"), ex["gb"], ex["gb_scale"]):
                    return False, f"dj_db = {v!r}, expected {ex['gb']!r}"
            elif isinstance(tok, tuple):
                if not isinstance(v, dict):
                    return False, f"a dict was expected, got {type(v).__name__}"
                shape = (n, 1) if w_tok == "wcol" else (n,)
                g = _vector(v["dw"], shape, "dw", flat_ok=False)
                if not _agree(g, ex["gw"], ex["gw_scale"]):
                    return False, f"dw = {g.tolist()}, expected {ex['gw'].tolist()}"
                if not _agree(_scalar(v["db"], "db"), ex["gb"], ex["gb_scale"]):
                    return False, f"db = {v['db']!r}, expected {ex['gb']!r}"
            elif tok == "p":
                shape = (1, m) if "XT" in sig.inputs else (m,)
                p = np.asarray(v)
                if p.shape != shape:
                    return False, f"p has shape {p.shape}, {shape} expected"
                p = p.astype(float).reshape(-1)
                if not np.all(np.isin(p, (0.0, 1.0))):
                    return False, f"p is not made of labels: {p[:4]}"
                bad = (p != ex["labels"]) & ~ex["either"]
                if bad.any():
                    i = int(np.argmax(bad))
                    return False, f"p[{i}] = {p[i]:g}, expected {ex['labels'][i]:g} (z = {float((case.X @ case.w + case.b)[i]):.3g})"
            else:
                raise ValueError(f"unknown output token {tok}")
    except Mismatch as e:
        return False, f"wrong shape: {e}"
    except (TypeError, ValueError, KeyError) as e:
        return False, f"unreadable output: {type(e).__name__}: {e}"
    return True, ""


def sigmoid_cases() -> list[tuple[str, str, object]]:
    rng = _rng(5)
    return [
        ("ordinary", "python float", 0.7),
        ("ordinary", "numpy scalar", np.float64(-1.3)),
        ("ordinary", "1-D", rng.normal(0, 2.0, 9)),
        ("ordinary", "2-D", rng.normal(0, 2.0, (3, 4))),
        ("ordinary", "int array", np.array([-2, -1, 0, 1, 2])),
        ("tail", "tails", np.array([40.0, -40.0, 800.0, -800.0, -740.0, 37.5, -37.5, 709.5, -709.5,
                                    -745.2, 1000.0, -1000.0, 20.0, -20.0])),
    ]


def judge_sigmoid(z, out) -> tuple[bool, str]:
    want = np.array([float(v) for v in np.asarray(reference.sigmoid(np.asarray(z, dtype=float))).reshape(-1)])
    got = np.asarray(out, dtype=float) if out is not None else None
    if got is None:
        return False, "returned None"
    if got.shape != np.shape(z):
        return False, f"shape {got.shape}, expected {np.shape(z)}"
    got = got.reshape(-1)
    ok = np.isfinite(got) & (np.abs(got - want) <= SIG_RTOL * np.abs(want) + FLOOR)
    if ok.all():
        return True, ""
    i = int(np.argmin(ok))
    return False, f"sigmoid({np.asarray(z, dtype=float).reshape(-1)[i]:g}) = {got[i]!r}, expected {want[i]!r}"


# ----------------------------------------------------------------------------- assessing one task


@dataclass
class Verdict:
    assessment: str
    mistake: str = ""
    detail: str = ""


def signature_mismatch(fn, sig: Signature) -> str:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return ""
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    has_var = any(p.kind == p.VAR_POSITIONAL for p in params)
    required = [p for p in positional if p.default is p.empty]
    k = len(sig.inputs)
    if len(required) > k or (len(positional) < k and not has_var):
        return f"takes {len(positional)} positional parameters, the signature passes {k}"
    if "lam" in sig.inputs:
        i = sig.inputs.index("lam")
        names = [p.name for p in positional]
        if i < len(names) and names[i] not in LAM_NAMES:
            lam_at = [j for j, nme in enumerate(names) if nme in LAM_NAMES]
            if lam_at:
                return f"lambda is parameter {lam_at[0] + 1} ({names[lam_at[0]]}), the signature passes it as argument {i + 1}"
    return ""


def _tail_mistake(errors: list[str]) -> str:
    text = " ".join(errors)
    if "OverflowError" in text:
        return "overflow"
    if "math domain error" in text:
        return "log-of-zero"
    if "nan" in text or "inf" in text:
        return "non-finite"
    return "tail-value"


def assess(fn, sig: Signature, task: dict, int_labels: bool, seed: int) -> Verdict:
    target = task["target"]
    if target == "sigmoid":
        probes = sigmoid_cases()
        ordinary_errors, tail_errors = [], []
        for kind, label, z in probes:
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
                    warnings.simplefilter("ignore")
                    out = fn(copy.deepcopy(z))
            except Exception as e:  # noqa: BLE001
                (ordinary_errors if kind == "ordinary" else tail_errors).append(f"raises {type(e).__name__}: {e}")
                if kind == "ordinary":
                    return Verdict("broken", "raises", f"{label}: {type(e).__name__}: {e}")
                continue
            ok, why = judge_sigmoid(z, out)
            if not ok:
                if kind == "ordinary":
                    return Verdict("wrong", "", f"{label}: {why}")
                tail_errors.append(why)
        if tail_errors:
            return Verdict("fragile", _tail_mistake(tail_errors), "; ".join(tail_errors)[:300])
        return Verdict("correct")

    mm = signature_mismatch(fn, sig)
    if mm:
        return Verdict("broken", "signature-mismatch", mm)
    has_bias = "b" in sig.inputs or any(t in sig.inputs for t in ("X1", "theta", "thetacol"))
    lam = float(task.get("lambda", 0.0))
    tail_errors = []
    for case in ordinary_cases(has_bias, int_labels, seed) + tail_cases(has_bias, seed):
        args = build_args(sig, case, lam)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                out = fn(*args)
        except Exception as e:  # noqa: BLE001
            if case.kind == "ordinary":
                shapes = "shape" in str(e) or "broadcast" in str(e)
                return Verdict("broken", "wrong-shape" if shapes else "raises", f"{case.label}: {type(e).__name__}: {e}")
            tail_errors.append(f"{case.label}: raises {type(e).__name__}: {e}")
            continue
        ok, why = judge(sig, task, out, case)
        if not ok:
            if case.kind == "ordinary":
                return Verdict("wrong", guess_mistake(fn, sig, task, case, out, why), f"{case.label}: {why}")
            tail_errors.append(f"{case.label}: {why}")
    if tail_errors:
        return Verdict("fragile", _tail_mistake(tail_errors), "; ".join(tail_errors)[:300])
    return Verdict("correct")


def guess_mistake(fn, sig, task, case, out, why) -> str:
    """A few mistake models, enough to confirm the manifest's `mistake` where it names one."""
    outs = sig.outputs
    vals = [out] if len(outs) == 1 else list(out) if isinstance(out, (tuple, list)) else None
    if vals is None:
        return "wrong-shape" if "shape" in why else ""
    # outputs swapped
    if len(vals) == 2 and len(outs) == 2:
        swapped = [vals[1], vals[0]]
        if judge(sig, task, tuple(swapped), case)[0]:
            return "outputs-swapped"
    if "shape" in why:
        return "wrong-shape"

    def matches(alt_task, negate=False, factor=1.0):
        conv = []
        for tok, v in zip(outs, vals):
            if tok in ("_", "p"):
                conv.append(v)
            elif isinstance(tok, tuple):
                conv.append({"dw": np.asarray(v["dw"], dtype=float) * (-1 if negate else 1) / factor,
                             "db": np.asarray(v["db"], dtype=float) * (-1 if negate else 1) / factor})
            elif tok == "J":
                conv.append(np.asarray(v, dtype=float) / factor)
            else:
                conv.append(np.asarray(v, dtype=float) * (-1 if negate else 1) / factor)
        try:
            return judge(sig, alt_task, conv[0] if len(outs) == 1 else tuple(conv), case)[0]
        except Exception:  # noqa: BLE001
            return False

    if task["target"] in ("gradient", "cost-and-gradient") and matches(task, negate=True):
        return "sign-flipped"
    m = case.X.shape[0]
    if task.get("reduction", "mean") == "mean" and not task.get("lambda") and matches(task, factor=m):
        return "not-averaged"
    if task.get("lambda"):
        if matches({**task, "penalize_intercept": not task.get("penalize_intercept", False)}):
            return "bias-regularized" if not task.get("penalize_intercept", False) else "bias-not-regularized"
        for k in (2.0, 0.5, float(m), 1.0 / m):
            if matches({**task, "lambda": task["lambda"] * k}):
                return "regularization-scale"
    return ""


# ----------------------------------------------------------------------------- driver


def check_submission(entry: dict, results: list) -> None:
    sub_path = HERE / entry["path"]
    a_path = HERE / entry["assignment"]
    assignment = tomllib.loads(a_path.read_text())
    tasks = {t["name"]: t for t in assignment["task"]}
    preamble = assignment["assignment"].get("preamble", "")
    int_labels = "int" in assignment["assignment"].get("labels", [])
    # REALWORLD_SEED shifts every random probe, to check that no label depends on one draw
    seed = int(assignment["assignment"].get("seed", 0)) + int(os.environ.get("REALWORLD_SEED", "0"))
    with tempfile.TemporaryDirectory(prefix="realworld_") as tmp:
        root, findings = lay_out(sub_path, a_path, assignment, Path(tmp))
        cache: dict[Path, Loaded] = {}
        with submission_env(root):
            for t in entry.get("task", []):
                task = tasks[t["name"]]
                sig = parse_signature(task.get("signature"), task["target"])
                f = find_file(root, task["function"])
                if f is None:
                    v = Verdict("broken", "missing-function", f"no file defines {task['function']}")
                else:
                    if f not in cache:
                        cache[f] = load(f, preamble)
                    ld = cache[f]
                    if ld.ns is None:
                        v = Verdict("broken", ld.error, ld.detail)
                    elif not callable(ld.ns.get(task["function"])):
                        v = Verdict("broken", "missing-function", f"{f.name} does not define {task['function']} at top level")
                    else:
                        try:
                            v = assess(ld.ns[task["function"]], sig, task, int_labels, seed)
                        except Exception as e:  # noqa: BLE001
                            v = Verdict("broken", "raises", f"checker: {type(e).__name__}: {e}\n{traceback.format_exc()}")
                results.append((entry["path"], t, v, findings))
        if VERBOSE:
            print(f"---- {entry['path']}")
            for f_ in findings:
                print(f"     finding: {f_}")
            for f, ld in cache.items():
                for sk in ld.skipped:
                    print(f"     skipped in {f.relative_to(root)}: {sk}")


LMS_PARSERS = {
    # platform -> function(path relative to the export) -> student name or None
    "canvas": lambda rel: re.match(r"^([a-z]+)_(?:LATE_)?\d+_\d+_", rel.parts[0]).group(1)
    if re.match(r"^([a-z]+)_(?:LATE_)?\d+_\d+_", rel.parts[0]) else None,
    "moodle": lambda rel: re.match(r"^(.*)_\d+_assignsubmission_file_?$", rel.parts[0]).group(1)
    if len(rel.parts) > 1 and re.match(r"^(.*)_\d+_assignsubmission_file_?$", rel.parts[0]) else None,
    "blackboard": lambda rel: rel.name.split("_attempt_")[0].split("_")[-1]
    if "_attempt_" in rel.name and not rel.name.endswith(".txt") else None,
}


def _original_name(platform: str, rel: Path) -> str:
    if platform == "canvas":
        name = re.sub(r"^[a-z]+_(?:LATE_)?\d+_\d+_", "", rel.parts[0])
        return re.sub(r"-\d+(\.[A-Za-z]+)$", r"\1", name)
    if platform == "moodle":
        return str(Path(*rel.parts[1:]))
    if platform == "blackboard":
        return rel.name.split("_attempt_")[1].split("_", 1)[1]
    return str(Path(*rel.parts[1:]))


def check_lms(entry: dict) -> list[str]:
    platform = entry["platform"]
    export = HERE / entry["path"]
    problems = []
    by_student: dict[str, dict[str, bytes]] = {}
    if platform == "gradescope":
        meta = (export / "submission_metadata.yml").read_text(encoding="utf-8")
        owners: dict[str, list[str]] = {}
        current = None
        for line in meta.splitlines():
            mm = re.match(r"^(submission_\d+):$", line)
            if mm:
                current = mm.group(1)
                owners[current] = []
            mm = re.match(r"^\s*- :name: (.*)$", line)
            if mm and current:
                owners[current].append(mm.group(1).strip())
        for folder, names in owners.items():
            files = {str(p.relative_to(export / folder)): p.read_bytes() for p in (export / folder).rglob("*") if p.is_file()}
            for nme in names:
                by_student[nme] = files
    else:
        parse = LMS_PARSERS[platform]
        for p in sorted(export.rglob("*")):
            if not p.is_file():
                continue
            rel = p.relative_to(export)
            who = parse(rel)
            if who is None:
                continue
            by_student.setdefault(who, {})[_original_name(platform, rel)] = p.read_bytes()
    for student, sub in entry["students"].items():
        files = by_student.get(student)
        if not files:
            problems.append(f"{platform}: no files found for student {student!r}")
            continue
        src = HERE / sub
        want = ({p.name: p.read_bytes() for p in src.iterdir() if p.is_file() and not p.is_symlink()}
                if src.is_dir() else {None: src.read_bytes()})
        got_contents = sorted(files.values())
        if sorted(want.values()) != got_contents:
            problems.append(f"{platform}: {student!r}: files differ from {sub}")
        if src.is_dir() and set(want) != set(files):
            problems.append(f"{platform}: {student!r}: restored names {sorted(files)} differ from {sorted(want)}")
    extra = set(by_student) - set(entry["students"])
    if extra:
        problems.append(f"{platform}: students in the export but not in the manifest: {sorted(extra)}")
    return problems


def main(argv: list[str]) -> int:
    global VERBOSE
    VERBOSE = "-v" in argv
    flt = [a for a in argv if not a.startswith("-")]
    manifest = tomllib.loads((HERE / "manifest.toml").read_text(encoding="utf-8"))
    results: list = []
    for entry in manifest["submission"]:
        if flt and not any(f in entry["path"] for f in flt):
            continue
        check_submission(entry, results)
    counts: dict[str, int] = {}
    mismatches = 0
    mistake_notes = 0
    for path, t, v, findings in results:
        counts[t["assessment"]] = counts.get(t["assessment"], 0) + 1
        ok = v.assessment == t["assessment"]
        mistake_ok = not t.get("mistake") or not v.mistake or v.mistake == t["mistake"] or (
            v.assessment != "wrong" and v.assessment == t["assessment"])
        if not ok:
            mismatches += 1
        if ok and not mistake_ok:
            mistake_notes += 1
        if not ok or VERBOSE or not mistake_ok:
            mark = "OK  " if ok else "FAIL"
            print(f"{mark} {path} :: {t['name']}: expected {t['assessment']}"
                  f"{' (' + t['mistake'] + ')' if t.get('mistake') else ''}, found {v.assessment}"
                  f"{' (' + v.mistake + ')' if v.mistake else ''}  {v.detail.splitlines()[0][:200] if v.detail else ''}")
    lms_problems = []
    if not flt:
        for entry in manifest.get("lms", []):
            lms_problems += check_lms(entry)
    for p in lms_problems:
        print("FAIL", p)
    n_sub = len({r[0] for r in results})
    summary = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("correct", "fragile", "wrong", "broken"))
    status = "all labels confirmed" if not mismatches and not lms_problems else \
        f"{mismatches} label(s) and {len(lms_problems)} LMS problem(s) NOT confirmed"
    lms_n = len(manifest.get("lms", [])) if not flt else 0
    print(f"check_labels: {len(results)} tasks in {n_sub} submissions ({summary}); "
          f"{lms_n} LMS exports; {status}"
          + (f"; {mistake_notes} mistake id(s) differ from what the checker sees" if mistake_notes else ""))
    return 0 if not mismatches and not lms_problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
