"""The plan-check rules are all registered once ``planner.calc.checks`` is imported, in a fresh process too:
a trainee's feedback picks its rules from ``RULES`` before running any check."""
import subprocess
import sys

from planner.calc.checks import RULES
from planner.config import ROOT


def test_a_fresh_process_sees_every_rule_on_import():
    out = subprocess.run([sys.executable, "-c", "from planner.calc.checks import RULES; print(len(RULES))"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(RULES) >= 18
