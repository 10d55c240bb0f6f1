"""The NLP package stays pure: importing all of it must not import Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import compare.nlp

_CHECK = """
import importlib, pkgutil, sys
import compare.nlp
for module in pkgutil.iter_modules(compare.nlp.__path__):
    importlib.import_module("compare.nlp." + module.name)
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(",".join(loaded))
"""


def test_no_module_under_compare_nlp_imports_django():
    root = Path(compare.nlp.__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", _CHECK],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "PYTHONPATH": str(root)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
