"""API of organisation settings (methodology §9).

Contract: ``GET/PUT /organizations/{id}/settings`` -> ``{lower_is_better_formula: "2T-R" | "T/R", tolerance,
rollup_cap, coverage_threshold, inherited_from, version}``. ``inherited_from`` is null for a unit's own settings, else
``{organization_id, code, name}`` of the ancestor they come from (``organization_id`` null: the install
default). PUT with ``{"inherit": true}`` drops the unit's own settings; keys left out keep their value.
"""
from __future__ import annotations

from flask import current_app, g, jsonify

from planner import db
from planner.permissions import require
from planner.services import orgs
from planner.services import settings as org_settings
from planner.web.api import body, bp, on_conflict
from planner.web.api.openapi import PATHS, SCHEMAS, operation


def _effective(org):
    return org_settings.effective(db.session(), org, org_settings.install_default(current_app.config))


@bp.get("/organizations/<int:org_id>/settings")
def get_settings(org_id: int):
    org = orgs.get(db.session(), org_id)
    require(g.principal, "org.read", org)
    return jsonify(_effective(org).as_dict())


@bp.put("/organizations/<int:org_id>/settings")
def put_settings(org_id: int):
    s = db.session()
    org = orgs.get(s, org_id)
    require(g.principal, "settings.edit", org)
    data = body()
    if data.get("inherit") is True:
        org_settings.inherit(s, org)
    else:
        on_conflict(lambda: _effective(org).as_dict())
        org_settings.save(s, org, org_settings.parse(data, _effective(org).settings), user_id=g.api_user.id,
                          version=data.get("version"))
    return jsonify(_effective(org).as_dict())


PATHS.update({
    "/organizations/{org_id}/settings": {
        "get": operation("Pengaturan perhitungan organisasi (dengan asal warisannya)"),
        "put": operation("Tetapkan pengaturan perhitungan organisasi (admin, pimpinan unit)", "OrganizationSettings")},
})
SCHEMAS.update({
    "OrganizationSettings": {"type": "object", "properties": {
        "lower_is_better_formula": {"enum": ["2T-R", "T/R"]}, "tolerance": {"type": "number"},
        "rollup_cap": {"enum": [None, 100, 110, 120]}, "inherit": {"type": "boolean"},
        "coverage_threshold": {"type": "number", "minimum": 0, "maximum": 100}}},
})
