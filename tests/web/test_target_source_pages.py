"""Achievement pages say which target applied and from which version (issue #8): a closed period of a Renja
Perubahan is judged against the target of the version it was closed under, and its page names that version."""
from __future__ import annotations

import pytest

from planner.models.plan import TargetIn
from planner.permissions import principal_for
from planner.services import monitoring as mon
from planner.services import plans, workflow

YEAR = 2026


@pytest.fixture
def revised(s, org, make_user, renja):
    """TW I reported (20 against 25) and closed on the murni; the Perubahan raises every target."""
    admin = principal_for(s, make_user("root", "admin"))
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    mon.record_realization(s, ind, YEAR, "TW1", value=20)
    mon.close_period(s, renja, YEAR, "TW1")
    renja.status = "locked"
    s.commit()
    rev = workflow.create_revision(s, admin, renja, "Refocusing anggaran")
    new_ind = plans.load_tree(s, rev).roots[0].children[0].indicators[0]
    plans.set_targets(s, new_ind, rev, [TargetIn(year=YEAR, period="Y", value=160)]
                      + [TargetIn(year=YEAR, period=q, value=40) for q in ("TW1", "TW2", "TW3", "TW4")])
    s.commit()
    return renja, rev, new_ind


def test_a_closed_period_names_the_target_and_the_version_it_was_judged_against(editor, revised):
    murni, rev, ind = revised
    html = editor.get(f"/indicators/{ind.id}/realisasi/{YEAR}/TW1").get_data(as_text=True)
    source = html[html.index('class="target-source"'):]
    source = source[:source.index("</p>")]
    assert "dinilai terhadap target Murni" in source and f"/plans/{murni.id}?view=read" in source
    assert 'Target periode: <strong><span title="25">25</span></strong> · target tahunan <span title="160">' in html
    assert "80,00" in html  # 20 against the murni's 25, not against the Perubahan's 40


def test_an_open_period_uses_the_new_target_and_says_no_other_version(editor, revised):
    _, rev, ind = revised
    html = editor.get(f"/indicators/{ind.id}/realisasi/{YEAR}/TW2").get_data(as_text=True)
    assert 'class="target-source"' not in html and 'Target periode: <strong><span title="40">40</span>' in html
