"""Loading .py files, notebooks and module specs into fresh namespaces (run here, in-process)."""

import sys

import nbformat
import pytest

from verifier.sandbox.loader import LoadError, format_traceback, is_module_spec, load, prepare, split_spec


def write_notebook(path, cells):
    """`cells` is a list of ("code" | "markdown", source)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(src) if kind == "code" else nbformat.v4.new_markdown_cell(src) for kind, src in cells
    ]
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(autouse=True)
def _restore_sys_path():
    saved = sys.path[:]
    yield
    sys.path[:] = saved
    sys.modules.pop("candidate", None)


def test_split_spec():
    assert split_spec("path/to/file.py::sigmoid") == ("path/to/file.py", "sigmoid")
    assert split_spec("path/to/file.py") == ("path/to/file.py", None)
    with pytest.raises(ValueError, match="identifier"):
        split_spec("file.py::not a name")


def test_module_specs_are_told_apart_from_paths(tmp_path):
    assert is_module_spec("scipy.special:expit") and is_module_spec("json")
    assert not is_module_spec("student.py") and not is_module_spec("lab.ipynb")
    (tmp_path / "plainname").write_text("x = 1\n")
    assert not is_module_spec(str(tmp_path / "plainname"))


def test_py_file_runs_as_a_module_not_as_main(tmp_path):
    src = tmp_path / "sub.py"
    src.write_text("def sigmoid(z):\n    return z\nimport math\nif __name__ == '__main__':\n    raise SystemExit(9)\n")
    loaded = load(src)
    assert loaded.namespace["sigmoid"](3) == 3
    assert loaded.functions() == ["sigmoid"]  # math is imported, not defined


def test_dataclasses_work_in_candidate_code(tmp_path):
    src = tmp_path / "dc.py"
    src.write_text("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int = 1\n")
    assert load(src).namespace["P"]().x == 1


def test_missing_file_is_a_clear_load_error(tmp_path):
    with pytest.raises(LoadError, match="no such file") as info:
        load(tmp_path / "nope.py")
    assert info.value.type_name == "FileNotFoundError"


def test_syntax_error_names_file_line_and_text(tmp_path):
    src = tmp_path / "bad.py"
    src.write_text("import numpy as np\n\ndef sigmoid(z:\n    return z\n")
    with pytest.raises(LoadError) as info:
        prepare(src)
    msg = str(info.value)
    assert "bad.py, line 3" in msg and "def sigmoid(z:" in msg and "SyntaxError" in msg


def test_notebook_skips_magics_shell_escapes_and_cell_magics(tmp_path):
    nb = write_notebook(
        tmp_path / "lab.ipynb",
        [
            ("markdown", "# Lab"),
            ("code", "%matplotlib inline\n!pip install nothing\nimport numpy as np"),
            ("code", "%%timeit\nthis is not python"),
            ("code", "def sigmoid(z):\n    %time\n    return 1 / (1 + np.exp(-z))"),
        ],
    )
    loaded = load(nb)
    assert loaded.namespace["sigmoid"](0.0) == 0.5
    assert loaded.where(loaded.cells[1][0] + 2) == "cell 4, line 3"


def test_notebook_syntax_error_names_the_cell(tmp_path):
    nb = write_notebook(
        tmp_path / "lab.ipynb",
        [
            ("code", "%matplotlib inline\nimport numpy as np"),
            ("code", "x = 1"),
            ("code", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z)"),
        ],
    )
    loaded = load(nb)  # the cell that does not parse is skipped, the others load
    assert "x" in loaded.namespace and "sigmoid" not in loaded.namespace
    (skipped,) = loaded.skipped
    assert skipped.where == "cell 3, line 1" and "lab.ipynb, cell 3, line" in skipped.error, skipped
    assert skipped.names == ("sigmoid",)  # a later call of it names this cell


def test_notebook_traceback_points_at_cell_and_line(tmp_path):
    nb = write_notebook(tmp_path / "lab.ipynb", [("code", "x = 1"), ("code", "def f():\n    raise ValueError('no')")])
    loaded = load(nb)
    try:
        loaded.namespace["f"]()
    except ValueError as exc:
        text = format_traceback(exc.__traceback__, loaded)
    assert 'File "lab.ipynb", cell 2, line 2, in f' in text and "raise ValueError('no')" in text


def test_unreadable_notebook_is_a_load_error(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json")
    with pytest.raises(LoadError, match="not a readable notebook"):
        prepare(bad)


def test_module_specs_load_an_attribute_or_a_module():
    loaded = load("json:dumps")
    assert loaded.namespace["dumps"]([1]) == "[1]"
    assert callable(load("json").namespace["loads"])
    with pytest.raises(LoadError, match="no attribute"):
        load("json:nothing_here")
    with pytest.raises(LoadError, match="cannot import"):
        load("no_such_module_for_sure:f")
