"""The demo seeds follow the K/L structure (issue #10): a Balai has no kegiatan of its own; its public-service
activity is an RO under the directorate's kegiatan (program → kegiatan → KRO → RO), and every seed that names
that activity (worksheet, action plan) points at that RO. Read from the YAML: no database."""
from __future__ import annotations

import re

import yaml

from planner.config import ROOT

SEEDS = ROOT / "seeds"
ORG = "BPJN-KALBAR"
KL_CHAIN = ["program", "kegiatan", "kro", "ro"]
CODES = {"program": r"\d{3}\.\d{2}\.[A-Z]{2}", "kegiatan": r"\d{4}", "kro": r"\d{4}\.[A-Z]{3}",
         "ro": r"\d{4}\.[A-Z]{3}\.\d{3}"}


def _load(name: str):
    return yaml.safe_load((SEEDS / name).read_text("utf-8"))


def _paths(nodes, above=()):
    """Every node with the chain of nodes above it."""
    for n in nodes:
        yield n, list(above)
        yield from _paths(n.get("children") or [], (*above, n))


def _renja():
    return {n["code"]: (n, above) for n, above in _paths(_load(f"plans/{ORG}-renja-2026.yaml")["nodes"])}


def _named(file: str, key: str) -> str:
    (entry,) = [e for e in _load(file)[key] if e["organization"] == ORG]
    return str(entry["node"])


def test_the_public_service_activity_is_an_ro_under_the_directorates_kegiatan():
    nodes = _renja()
    code = _named("worksheets.yaml", "worksheets")
    node, above = nodes[code]
    assert [n["kind"] for n in above] + [node["kind"]] == KL_CHAIN
    program, kegiatan, kro = above
    assert kegiatan["code"] == "2400" and "Direktorat Jenderal Bina Marga" in kegiatan["name"]
    assert code.startswith(kro["code"] + ".") and kro["code"].startswith(kegiatan["code"] + ".")
    assert "Pelayanan Publik" in node["name"]
    # the action plan of that activity sits on the same RO, and its steps fit the RO's pagu
    assert _named("action_plans.yaml", "action_plans") == code
    (plan,) = [e for e in _load("action_plans.yaml")["action_plans"] if e["organization"] == ORG]
    assert sum(st.get("budget") or 0 for st in plan["steps"]) <= node["pagu"]


def test_the_balai_has_no_kegiatan_of_its_own_and_codes_follow_the_kl_scheme():
    nodes = _renja()
    assert "2410" not in nodes and not any(c.startswith("2410.") for c in nodes)
    for code, (node, above) in nodes.items():
        kind = node["kind"]
        assert [n["kind"] for n in above] == KL_CHAIN[:KL_CHAIN.index(kind)], code
        assert re.fullmatch(CODES[kind], code), code
        if kind in ("kro", "ro"):
            assert code.startswith(above[-1]["code"] + "."), code
    # the kegiatan's pagu is its ROs' pagu, counted once
    for code, (node, above) in nodes.items():
        if node["kind"] == "kegiatan":
            ros = [n["pagu"] for n, a in nodes.values() if n["kind"] == "ro" and a[1]["code"] == code]
            assert node["pagu"] == sum(ros), code


def test_no_seed_still_names_the_old_kegiatan():
    for path in SEEDS.rglob("*.yaml"):
        text = path.read_text("utf-8")
        if ORG in text or path.name.startswith(ORG):
            assert not re.search(r"(?<![\d.])2410(?![\d])", text), path.name


def test_the_renstra_stops_at_the_directorates_kegiatan():
    renstra = _load(f"plans/{ORG}-renstra-2025-2029.yaml")["nodes"]
    kegiatan = {n["code"]: n for n, _ in _paths(renstra) if n["kind"] == "kegiatan"}
    assert "2410" not in kegiatan
    assert {i["code"] for i in kegiatan["2400"]["indicators"]} >= {"IKK-4", "IKK-5"}
