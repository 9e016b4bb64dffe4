"""Views of results: the HTML report (``html``), Gradescope's results.json (``gradescope_json``),
grades.csv (``csv_grades``), JUnit XML (``junit``), plots (``plots``) and feedback text (``text``).

Every view reads the same data (``verifier.spec.results.Result`` inside ``verifier.grading.SubmissionGrade``)
and treats every string that came from a submission as untrusted: escaped in HTML and XML, neutralized
in CSV.
"""
