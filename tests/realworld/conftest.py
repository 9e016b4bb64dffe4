"""The real-world corpus is data, not tests: keep pytest from importing the submissions.

(submissions/ex2_xfirst_functions/ex2_test.py matches pytest's default `*_test.py` pattern and,
like the student's original, reads a data file at import.)
"""

collect_ignore_glob = ["submissions/*", "class_lms/*", "archive_src/*", "assignments/*",
                       "check_labels.py", "make_archives.py"]
