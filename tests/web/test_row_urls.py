"""``speed.row_url`` and ``speed.row_url_format``: the URLs of a long page's rows, built through the routing map once."""
from __future__ import annotations

from flask import url_for

from planner.web.speed import row_url, row_url_format


def test_a_shape_filled_for_any_row_is_the_url_url_for_builds(app):
    with app.test_request_context("/"):
        shape = row_url_format("monitoring.save_cell", "indicator_id", "year", period="TW1")
        assert shape == "/indicators/{indicator_id}/realisasi/{year}/TW1"
        for ind, year in ((1, 2026), (123456, 2027)):
            expected = url_for("monitoring.save_cell", indicator_id=ind, year=year, period="TW1")
            assert shape.format(indicator_id=ind, year=year) == expected
            assert row_url("monitoring.save_cell", indicator_id=ind, year=year, period="TW1") == expected


def test_fixed_values_stay_as_given_and_a_brace_survives_the_format(app):
    with app.test_request_context("/"):
        url = row_url("monitoring.node_grid", node_id=5, period="TW2", q="{a}")
        assert url == url_for("monitoring.node_grid", node_id=5, period="TW2", q="{a}")
        assert row_url_format("monitoring.node_grid", "node_id", period="TW2") == "/nodes/{node_id}/realisasi?period=TW2"
