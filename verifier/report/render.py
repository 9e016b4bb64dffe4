"""The one jinja2 environment of the HTML views: templates in verifier/report/templates, autoescaping
on (every string that came from a submission is untrusted), undefined names an error."""

from __future__ import annotations

from typing import Any

import jinja2

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("verifier", "report/templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def render(template: str, **context: Any) -> str:
    """``template`` (a file name in verifier/report/templates) rendered with ``context``."""
    return ENV.get_template(template).render(**context)
