"""``verifier.Lab``: instant feedback on an assignment's tasks from the student's own notebook.

    lab = verifier.Lab("week3.toml")
    lab.check("gradient")     # the task's function as the notebook defines it, graded now
    lab.check_all()           # every task, with the score it would get

Each check takes the function's source from the notebook (and what it needs: imports, helper
functions, constants; verifier/grading/harvest.py), writes it to a temporary ``.py`` file and grades
that file exactly as ``verifier grade`` grades a ``.py`` submission: same tasks, points, case banks,
seed derivation and sandboxed worker.  Nothing the student wrote runs in the notebook's process
again.  What cannot be checked (a function not defined yet, one that reads a DataFrame) is a message
in the output, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from verifier.errors import UsageError
from verifier.grading.assignment import Assignment, Task, load_assignment
from verifier.grading.banking import prepare
from verifier.grading.discovery import Submission, slugify
from verifier.grading.harvest import harvest
from verifier.grading.scoring import grade_submission
from verifier.report.notebook import LabFeedback, TaskFeedback, ipython_namespace, notebook_file
from verifier.spec.conventions import get_convention
from verifier.spec.targets import get_target

__all__ = ["Lab", "LabFeedback", "TaskFeedback"]


class Lab:
    """An assignment file checked from a notebook.  ``namespace`` is where the functions live (default:
    the running notebook's, else the caller's globals); ``name`` names the submission (default: the
    notebook's file name), from which its seed derives as in ``verifier grade``."""

    def __init__(
        self,
        assignment: str | os.PathLike[str] | Assignment,
        namespace: Mapping[str, Any] | None = None,
        name: str | None = None,
    ):
        self.assignment = assignment if isinstance(assignment, Assignment) else load_assignment(Path(assignment))
        self._namespace = namespace
        self._name = name
        self._banks: dict[str, Any] = {}

    def __repr__(self) -> str:
        tasks = ", ".join(t.name for t in self.assignment.tasks)
        return f"Lab({self.assignment.name!r}: {tasks})"

    @property
    def tasks(self) -> tuple[str, ...]:
        """The names of the assignment's tasks (what ``check`` takes)."""
        return tuple(t.name for t in self.assignment.tasks)

    def check(self, task: str) -> TaskFeedback:
        """Grade one task (by task name, or by the name of its function) on the notebook's function."""
        chosen = self._task(task)
        return self._run([chosen], self._find_namespace(sys._getframe(1)))[0]

    def check_all(self) -> LabFeedback:
        """Grade every task; the feedback shows each with the score it would get."""
        feedback = self._run(list(self.assignment.tasks), self._find_namespace(sys._getframe(1)))
        return LabFeedback(self.assignment.name, tuple(feedback))

    # ------------------------------------------------------------------ internals
    def _task(self, name: str) -> Task:
        for t in self.assignment.tasks:
            if t.name == name:
                return t
        for t in self.assignment.tasks:
            if name in _function_names(t):
                return t
        known = ", ".join(repr(t.name) for t in self.assignment.tasks)
        raise UsageError(f"{self.assignment.name}: no task named {name!r}; the tasks are {known}")

    def _find_namespace(self, caller: FrameType | None) -> Mapping[str, Any]:
        if self._namespace is not None:
            return self._namespace
        found = ipython_namespace()
        if found is not None:
            return found
        return caller.f_globals if caller is not None else {}

    def _banks_for(self, tasks: list[Task]) -> dict[str, Any]:
        """The case bank of each task, built once per Lab (the same cases ``verifier grade`` uses)."""
        todo = [t for t in tasks if t.name not in self._banks]
        if todo:
            self._banks.update(prepare(replace(self.assignment, tasks=tuple(todo)), None))
        return {t.name: self._banks[t.name] for t in tasks}

    def _run(self, tasks: list[Task], namespace: Mapping[str, Any]) -> list[TaskFeedback]:
        notebook = notebook_file(namespace)
        here = Path.cwd()
        chosen = {t.name: _chosen_function(t, namespace) for t in tasks}
        feedback: dict[str, TaskFeedback] = {}
        graded: list[Task] = []
        notes: dict[str, tuple[str, ...]] = {}
        for t in tasks:
            fn = chosen[t.name]
            alone = harvest(namespace, [fn], here)
            if fn in alone.missing:
                defined = fn in namespace
                feedback[t.name] = TaskFeedback(
                    t.name, fn, t.points, None if defined else 0.0, problem=alone.missing[fn], source=notebook
                )
            else:
                graded.append(t)
                notes[t.name] = alone.notes
        if graded:
            for tg, t in zip(self._grade(graded, [chosen[t.name] for t in graded], namespace, notebook, here), graded):
                feedback[t.name] = TaskFeedback(
                    t.name, chosen[t.name], t.points, tg.score, tg, notes=notes[t.name], source=notebook
                )
        return [feedback[t.name] for t in tasks]

    def _grade(
        self, tasks: list[Task], functions: list[str], namespace: Mapping[str, Any], notebook: str, here: Path
    ) -> list[Any]:
        """Write the functions' source to a temporary folder and grade it as ``verifier grade`` would."""
        code = harvest(namespace, functions, here)
        stem = self._name or Path(notebook).stem or "notebook"
        module = stem if stem.isidentifier() and stem not in sys.stdlib_module_names else "notebook"
        with tempfile.TemporaryDirectory(prefix="verifier-lab-") as tmp:
            folder = Path(tmp)
            source = folder / f"{module}.py"
            source.write_text(code.source, encoding="utf-8")
            for path in code.modules:
                dest = folder / path.name
                if path.is_dir():
                    shutil.copytree(path, dest, ignore=shutil.ignore_patterns("__pycache__", ".*"))
                else:
                    shutil.copy2(path, dest)
            root = folder if code.modules else None
            sub = Submission(stem, (source,), slugify(stem), root)
            subset = replace(self.assignment, tasks=tuple(tasks))
            grade = grade_submission(sub, subset, banks=self._banks_for(tasks))
        return list(grade.tasks)


def _function_names(task: Task) -> list[str]:
    if task.function:
        return [task.function]
    try:
        return get_convention(task.convention).functions(get_target(task.target), task.lam)
    except ValueError:
        return [task.name]


def _chosen_function(task: Task, namespace: Mapping[str, Any]) -> str:
    """The task's function name as the notebook defines it (the first of the convention's names found)."""
    names = _function_names(task)
    return next((n for n in names if n in namespace), names[0])
