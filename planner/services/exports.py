"""Official forms and the template export of a plan: gather the rows (services, calc), hand them to the
pure writers in ``planner.excel`` (bytes) and the print view (HTML).

Every computed figure comes from ``planner.calc`` through ``monitoring.progress_for_plan``; this module
only places numbers in the columns of each form.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from planner import periods
from planner.calc import achievement as calc_achievement, absorption, TargetSpec
from planner.calc.formatting import format_number, format_percent
from planner.errors import Invalid
from planner.excel import import_template as tpl
from planner.excel.forms import xlsx
from planner.excel.forms.model import Column, Form, Head, Line, Signatory
from planner.models import FollowUp, Indicator, Narrative, NodeBudget, BudgetRealization, Organization, Plan, PlanNode, Scheme
from planner.models.plan import FREQUENCY_LABELS
from planner.services import indicative_pagu, orgs, plans
from planner.services import monitoring as mon
from planner.services.import_rows import supported_codes
from planner.services.plans import Tree

KINDS = {"renstra": "Matriks Renstra", "renja": "Matriks Renja", "pk": "Perjanjian Kinerja",
         "iku": "Indikator Kinerja Utama", "metadata": "Metadata Indikator",
         "evaluasi-renja": "Evaluasi Hasil Renja", "monitoring": "Laporan Pemantauan"}
MONTHS = periods.MONTHS


def _today() -> str:
    d = date.today()
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _num(v):
    return None if v is None else v


def _target_text(t) -> object:
    if t is None:
        return None
    if t.text:
        return t.text
    if t.lower is not None:
        return f"{format_number(t.lower, None)}–{format_number(t.upper, None)}"
    return t.value


def _org(s: Session, plan: Plan) -> Organization:
    return orgs.get(s, plan.organization_id)


def _scheme(s: Session, plan: Plan) -> str:
    return s.get(Scheme, plan.scheme_id).key


def _meta(s: Session, plan: Plan) -> list[tuple[str, str]]:
    org = _org(s, plan)
    return [("Organisasi", f"{org.name} ({org.code})"), ("Rencana", f"{plan.name} ({plan.kind_label} {plan.period_label})"),
            ("Status", plan.status_label)] + _decree(plan)


def _decree(plan: Plan) -> list[tuple[str, str]]:
    """The decree of penetapan, printed on every form of a fixed plan."""
    if not plan.decree_number:
        return []
    when = plan.decree_date
    day = f" tanggal {when.day} {periods.MONTHS[when.month - 1]} {when.year}" if when else ""
    return [("Penetapan", f"SK Nomor {plan.decree_number}{day}")]


def _renstra_of(s: Session, plan: Plan) -> Plan | None:
    if plan.kind == "renstra":
        return plan
    return s.get(Plan, plan.renstra_id) if plan.renstra_id else None


# ---------------------------------------------------------------- template format (round trip)

def template_rows(s: Session, plan: Plan, tree: plans.Tree | None = None) -> dict[str, list[tuple]]:
    """The plan as rows of the import template: importing them rebuilds the same plan (``tree``: the plan's,
    when the caller has read it already)."""
    tree = tree or plans.load_tree(s, plan)
    org = _org(s, plan)
    year = plan.first_year
    rencana = [(org.code, plan.kind, plan.first_year, plan.last_year, _scheme(s, plan), plan.name, plan.vision or None,
                plan.missions or None)]
    serves_codes = {}
    served_ids = {tn.node.serves_id for tn in tree.walk() if tn.node.serves_id}
    if served_ids:
        serves_codes = {n.id: n.code for n in s.exec(select(PlanNode).where(PlanNode.id.in_(served_ids)))}
    simpul, indikator, target, pagu = [], [], [], []
    yearly = indicative_pagu.for_plan(s, plan) if plan.kind == "renstra" else {}
    parent_code = {tn.node.id: tn.node.code for tn in tree.walk()}
    supported = supported_codes(s, [tn.node.supports_id for tn in tree.walk()])
    for tn in tree.walk():
        n = tn.node
        simpul.append((plan.kind, year, n.kind, n.code, parent_code.get(n.parent_id), n.name,
                       serves_codes.get(n.serves_id), tpl.shown("activity_type", n.activity_type), n.unit_in_charge,
                       n.location, n.funding_source, n.pagu, "\n".join(o.text for o in tn.objectives) or None,
                       n.description, supported.get(n.supports_id)))
        for y, amount in sorted(yearly.get(n.id, {}).items()):
            pagu.append((year, n.code, y, amount))
        objective_text = {o.id: o.text for o in tn.objectives}
        for ind in tn.indicators:
            indikator.append((plan.kind, year, n.code, ind.code, ind.name, objective_text.get(ind.objective_id),
                              ind.level, ind.unit, ind.definition, ind.formula, ind.data_source, ind.collection_method,
                              tpl.shown("frequency", ind.frequency), ind.responsible, ind.baseline_value,
                              ind.baseline_year, ind.baseline_text, tpl.shown("polarity", ind.polarity),
                              tpl.shown("accumulation", ind.accumulation), tpl.shown("target_type", ind.target_type),
                              ind.weight, ind.ratio_factor, ind.rationale, ind.valid_min, ind.valid_max,
                              ind.end_target))
            for t in tree.targets.get(ind.id, []):
                target.append((plan.kind, year, n.code, ind.code, None if ind.code else ind.name, t.year, t.period,
                               t.value, t.lower, t.upper, t.text))
    return {"Rencana": rencana, "Simpul": simpul, "Pagu Indikatif": pagu, "Indikator": indikator, "Target": target}


# ---------------------------------------------------------------- Renstra and Renja matrices

def _walk_rows(tree: Tree, cells) -> list[Line]:
    """One line per indicator (the node's columns on its first line), one line for a node without any."""
    rows = []
    for tn in tree.walk():
        inds = tn.indicators or [None]
        for i, ind in enumerate(inds):
            rows.append(Line(cells(tn, ind, i == 0), indent=tn.depth))
    return rows


def renstra_form(s: Session, plan: Plan) -> Form:
    renstra = _renstra_of(s, plan)
    if renstra is None:
        raise Invalid("Renja ini belum mengacu ke Renstra.", field="kind")
    tree = plans.load_tree(s, renstra)
    yearly = indicative_pagu.for_plan(s, renstra)
    years = renstra.years
    strategic = {lv.kind for lv in tree.levels if lv.strategic}

    def cells(tn, ind, first):
        n = tn.node
        tmap = tree.target_map(ind.id) if ind else {}
        pagu = yearly.get(n.id, {})
        by_year = []
        for y in years:
            by_year += [_target_text(tmap.get((y, "Y"))), pagu.get(y) if first else None]
        end_target = (ind.end_target if ind is not None and ind.end_target is not None
                      else _target_text(tmap.get((years[-1], "Y"))))
        total = sum(pagu.values(), Decimal(0)) if pagu and first else None
        return [n.name if first and n.kind == "tujuan" else None,
                n.name if first and n.kind == "sasaran" else None,
                ind.name if ind else None, n.code if first else None,
                n.name if first and n.kind not in strategic else None,
                (ind.baseline_text or ind.baseline_value) if ind else None, *by_year, end_target, total,
                n.unit_in_charge if first else None, n.location if first else None]

    header = [[Head("Tujuan", rowspan=3), Head("Sasaran", rowspan=3), Head("Indikator Kinerja", rowspan=3),
               Head("Kode", rowspan=3), Head("Program / Kegiatan / Sub Kegiatan", rowspan=3),
               Head("Data Capaian Awal (Baseline)", rowspan=3),
               Head("Target Kinerja dan Kerangka Pendanaan", colspan=2 * len(years)),
               Head("Kondisi Kinerja pada Akhir Periode Renstra", colspan=2, rowspan=2),
               Head("Unit Penanggung Jawab", rowspan=3), Head("Lokasi", rowspan=3)],
              [Head(f"Tahun {y}", colspan=2) for y in years],
              [h for _ in years for h in (Head("K"), Head("Rp"))] + [Head("K"), Head("Rp")]]
    columns = ([Column(22), Column(22), Column(28), Column(14), Column(30), Column(10, "number")]
               + [c for _ in years for c in (Column(10, "number"), Column(16, "money"))]
               + [Column(10, "number"), Column(18, "money"), Column(18), Column(14)])
    return Form("renstra", "Matriks Renstra", [
        "RENCANA TUJUAN, SASARAN, PROGRAM, KEGIATAN DAN SUB KEGIATAN, INDIKATOR KINERJA, KELOMPOK SASARAN, "
        "DAN PENDANAAN INDIKATIF", f"{_org(s, renstra).name.upper()} TAHUN {renstra.period_label}"],
        header, columns, _walk_rows(tree, cells), meta=_meta(s, renstra), name_column=4, paper="F4")


def renja_form(s: Session, plan: Plan, tree: plans.Tree | None = None) -> Form:
    if plan.kind != "renja":
        raise Invalid("Matriks Renja dibuat dari sebuah Renja.", field="kind")
    tree = tree or plans.load_tree(s, plan)
    year = plan.first_year
    served = {tn.node.serves_id for tn in tree.walk() if tn.node.serves_id}
    serves = {n.id: n.code for n in s.exec(select(PlanNode).where(PlanNode.id.in_(served)))} if served else {}

    def cells(tn, ind, first):
        n = tn.node
        tmap = tree.target_map(ind.id) if ind else {}
        return [n.code if first else None, n.name if first else None, serves.get(n.serves_id) if first else None,
                ind.name if ind else None, ind.unit if ind else None, _target_text(tmap.get((year, "Y"))),
                *[_target_text(tmap.get((year, q))) for q in periods.QUARTERS],
                n.pagu if first else None, n.location if first else None, n.funding_source if first else None,
                n.unit_in_charge if first else None]

    header = [[Head("Kode", rowspan=2), Head("Urusan / Bidang / Program / Kegiatan / Sub Kegiatan", rowspan=2),
               Head("Sasaran Renstra", rowspan=2), Head("Indikator Kinerja", rowspan=2), Head("Satuan", rowspan=2),
               Head(f"Rencana Tahun {year}", colspan=6), Head("Lokasi", rowspan=2), Head("Sumber Dana", rowspan=2),
               Head("Unit Penanggung Jawab", rowspan=2)],
              [Head("Target"), Head("TW I"), Head("TW II"), Head("TW III"), Head("TW IV"), Head("Pagu Indikatif (Rp)")]]
    columns = [Column(16), Column(34), Column(10), Column(30), Column(9)] + [Column(9, "number")] * 5 + [
        Column(17, "money"), Column(14), Column(10), Column(18)]
    return Form("renja", "Matriks Renja", [
        "RUMUSAN RENCANA PROGRAM, KEGIATAN DAN SUB KEGIATAN PERANGKAT DAERAH",
        f"{_org(s, plan).name.upper()} TAHUN {year}"], header, columns, _walk_rows(tree, cells),
        meta=_meta(s, plan), name_column=1)


# ---------------------------------------------------------------- Perjanjian Kinerja, IKU, metadata

def _strategic_rows(s: Session, plan: Plan, year: int):
    """(sasaran node, indicator, target of the year): the Renstra's sasaran when there is one, else the
    Renja's programs with their outcome indicators."""
    renstra = _renstra_of(s, plan)
    if renstra is not None:
        tree = plans.load_tree(s, renstra)
        for tn in tree.walk():
            if tn.node.kind == "sasaran":
                for ind in tn.indicators:
                    yield tn.node, ind, tree.target_map(ind.id).get((year, "Y"))
        return
    tree = plans.load_tree(s, plan)
    for tn in tree.roots:
        for ind in tn.indicators:
            yield tn.node, ind, tree.target_map(ind.id).get((year, "Y"))


def pk_forms(s: Session, plan: Plan) -> list[Form]:
    if plan.kind != "renja":
        raise Invalid("Perjanjian Kinerja dibuat dari Renja tahun itu.", field="kind")
    org = _org(s, plan)
    year = plan.first_year
    parent = s.get(Organization, org.parent_id) if org.parent_id else None
    superior = f"Atasan {org.name}" if parent is None else f"Pimpinan {parent.name}"
    sig = [Signatory(f"..........., {_today()}", f"Pihak Kedua,\n{superior}"),
           Signatory(f"..........., {_today()}", f"Pihak Pertama,\nKepala {org.name}")]
    rows, last = [], None
    for i, (node, ind, t) in enumerate(_strategic_rows(s, plan, year), 1):
        rows.append(Line([i, node.name if node.id != last else None, ind.name,
                          _target_text(t), ind.unit]))
        last = node.id
    intro = [f"Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta "
             f"berorientasi pada hasil, kami yang bertanda tangan di bawah ini, Kepala {org.name} (Pihak Pertama), "
             f"berjanji akan mewujudkan target kinerja tahun {year} sebagaimana terlampir kepada {superior} "
             f"(Pihak Kedua), yang akan memberikan supervisi serta melakukan evaluasi terhadap capaian kinerja "
             f"dari perjanjian ini."]
    main = Form("pk", "Perjanjian Kinerja", ["PERJANJIAN KINERJA TAHUN " + str(year), org.name.upper()],
                [[Head("No"), Head("Sasaran Strategis"), Head("Indikator Kinerja"), Head("Target"), Head("Satuan")]],
                [Column(5, "int"), Column(36), Column(40), Column(12, "number"), Column(12)], rows,
                intro=intro, signatures=sig)
    tree = plans.load_tree(s, plan)
    annex = []
    total = Decimal(0)
    for i, tn in enumerate(tree.walk(), 1):
        if tn.depth > 1:
            continue
        annex.append(Line([tn.node.code, tn.node.name, tn.node.pagu, tn.node.funding_source or None],
                          style="" if tn.depth else "total", indent=tn.depth))
        if tn.depth == 0 and tn.node.pagu:
            total += tn.node.pagu
    annex.append(Line([None, "Jumlah", total or None, None], style="total"))
    annex_form = Form("pk-lampiran", "Lampiran PK", [f"LAMPIRAN PERJANJIAN KINERJA TAHUN {year}", org.name.upper(),
                                                    "PROGRAM, KEGIATAN DAN ANGGARAN"],
                      [[Head("Kode"), Head("Program / Kegiatan"), Head("Anggaran (Rp)"), Head("Sumber Dana")]],
                      [Column(16), Column(50), Column(20, "money"), Column(14)], annex, name_column=1,
                      signatures=sig)
    return [main, annex_form]


def iku_form(s: Session, plan: Plan) -> Form:
    renstra = _renstra_of(s, plan)
    if renstra is None:
        raise Invalid("IKU berasal dari Renstra; Renja ini belum mengacu ke Renstra.", field="kind")
    tree = plans.load_tree(s, renstra)
    years = renstra.years
    rows, n = [], 0
    for tn in tree.walk():
        if tn.node.kind != "sasaran":
            continue
        for j, ind in enumerate(tn.indicators):
            n += 1
            tmap = tree.target_map(ind.id)
            rows.append(Line([n, tn.node.name if j == 0 else None, ind.name, ind.definition or None,
                              ind.formula or None, ind.data_source or None, ind.unit,
                              (ind.baseline_text or ind.baseline_value),
                              *[_target_text(tmap.get((y, "Y"))) for y in years],
                              ind.responsible or tn.node.unit_in_charge or None]))
    header = [[Head("No", rowspan=2), Head("Sasaran Strategis", rowspan=2), Head("Indikator Kinerja Utama", rowspan=2),
               Head("Definisi Operasional", rowspan=2), Head("Formula", rowspan=2), Head("Sumber Data", rowspan=2),
               Head("Satuan", rowspan=2), Head("Baseline", rowspan=2), Head("Target", colspan=len(years)),
               Head("Penanggung Jawab", rowspan=2)],
              [Head(str(y)) for y in years]]
    columns = [Column(5, "int"), Column(26), Column(28), Column(28), Column(22), Column(16), Column(9),
               Column(10, "number")] + [Column(9, "number")] * len(years) + [Column(18)]
    return Form("iku", "IKU", ["INDIKATOR KINERJA UTAMA (IKU)", f"{_org(s, renstra).name.upper()} "
                                                                f"TAHUN {renstra.period_label}"],
                header, columns, rows, meta=_meta(s, renstra))


def metadata_form(s: Session, plan: Plan) -> Form:
    tree = plans.load_tree(s, plan)
    labels = tpl.CHOICES
    rows = []
    for tn in tree.walk():
        for ind in tn.indicators:
            tmap = tree.target_map(ind.id)
            targets = "; ".join(f"{periods.label(p)} {y}: {format_number(_target_text(t), None) if isinstance(_target_text(t), (int, float)) else _target_text(t)}"
                                for (y, p), t in sorted(tmap.items()))
            rows.append(Line([f"{ind.code or ''} {ind.name}".strip()], style="group"))
            for label, value in [
                ("Simpul", f"{tn.node.code} {tn.node.name}"), ("Tingkat", ind.level_label), ("Satuan", ind.unit),
                ("Definisi operasional", ind.definition), ("Formula", ind.formula), ("Sumber data", ind.data_source),
                ("Cara pengumpulan", ind.collection_method), ("Frekuensi", FREQUENCY_LABELS[ind.frequency]),
                ("Penanggung jawab", ind.responsible or tn.node.unit_in_charge),
                ("Baseline", ind.baseline_text or (f"{format_number(ind.baseline_value, None)} ({ind.baseline_year or '—'})"
                                                   if ind.baseline_value is not None else "")),
                ("Polaritas", tpl.shown("polarity", ind.polarity)), ("Akumulasi", tpl.shown("accumulation", ind.accumulation)),
                ("Jenis target", tpl.shown("target_type", ind.target_type)), ("Target", targets),
                ("Alasan pemilihan", ind.rationale)]:
                rows.append(Line([label, value or "—"]))
    del labels
    return Form("metadata", "Metadata Indikator", ["METADATA INDIKATOR KINERJA", f"{_org(s, plan).name.upper()} — "
                                                   f"{plan.kind_label.upper()} {plan.period_label}"],
                [[Head("Unsur"), Head("Uraian")]], [Column(26), Column(100)], rows, meta=_meta(s, plan),
                numbered=False, name_column=-1)


# ---------------------------------------------------------------- evaluation and monitoring

def _settings():
    from flask import current_app, has_app_context
    return mon.settings_from_config(current_app.config if has_app_context() else {})


def _budget_by_quarter(s: Session, plan: Plan, year: int) -> dict[int, dict[str, Decimal]]:
    rows = s.exec(select(NodeBudget.node_id, BudgetRealization.period, BudgetRealization.amount)
                  .join(BudgetRealization, BudgetRealization.node_budget_id == NodeBudget.id)
                  .join(PlanNode, NodeBudget.node_id == PlanNode.id)
                  .where(PlanNode.plan_id == plan.id, NodeBudget.year == year)).all()
    out: dict[int, dict[str, Decimal]] = {}
    for node_id, period, amount in rows:
        quarter = f"TW{(periods.months(period)[1] - 1) // 3 + 1}"
        out.setdefault(node_id, {}).setdefault(quarter, Decimal(0))
        out[node_id][quarter] += amount
    return out


def _previous_values(s: Session, plan: Plan) -> dict[str, float | None]:
    """Indicator code -> last year's accumulated realisation (the Renja of the year before)."""
    prev = s.exec(select(Plan).where(Plan.organization_id == plan.organization_id, Plan.kind == "renja",
                                     Plan.first_year == plan.first_year - 1)
                  .order_by(Plan.revision_number.desc())).first()
    if prev is None:
        return {}
    lookup = mon.realisation_lookup(s, prev)
    inds = s.exec(select(Indicator).where(Indicator.plan_id == prev.id, Indicator.code.is_not(None))).all()
    return {i.code: lookup(i.id, prev.first_year, "Y") for i in inds}


def evaluasi_form(s: Session, plan: Plan) -> Form:
    if plan.kind != "renja":
        raise Invalid("Evaluasi Hasil Renja dibuat dari sebuah Renja.", field="kind")
    year = plan.first_year
    settings = _settings()
    progress = mon.progress_for_plan(s, plan, year, "TW4", settings, with_trend=False)
    renstra = _renstra_of(s, plan)
    rtree = plans.load_tree(s, renstra) if renstra else None
    rinds = {i.code: i for tn in rtree.walk() for i in tn.indicators if i.code} if rtree else {}
    rpagu = indicative_pagu.for_plan(s, renstra) if renstra else {}
    rnodes = {tn.node.code: tn.node for tn in rtree.walk()} if rtree else {}
    budgets = _budget_by_quarter(s, plan, year)
    previous = _previous_values(s, plan)
    served = {r.node.serves_id for r in progress.rows if r.node.serves_id}
    sasaran = {n.id: n.name for n in s.exec(select(PlanNode).where(PlanNode.id.in_(served)))} if served else {}
    rows, n = [], 0
    for np in (x for root in progress.roots for x in root.walk()):
        node = np.node
        q_rp = budgets.get(node.id, {})
        rp_year = np.budget.realised
        lines = np.indicators or [None]
        for j, r in enumerate(lines):
            n += 1
            first = j == 0
            ind = r.indicator if r else None
            k = [c.counted.value if c.counted and c.counted.value is not None else None for c in (r.cells if r else [])]
            k_by_q = {c.period: v for c, v in zip(r.cells, k)} if r else {}
            real_k = r.progress.realisation if r and r.progress else None
            ach_k = r.progress.annual_achievement.value if r and r.progress else None
            ach_rp = np.budget.absorption.value if first else None
            rind = rinds.get(ind.code) if ind is not None and ind.code else None
            end_t = rtree.target_map(rind.id).get((renstra.last_year, "Y")) if rind else None
            rn = rnodes.get(node.code)
            end_rp = sum(rpagu.get(rn.id, {}).values(), Decimal(0)) if rn and rpagu.get(rn.id) and first else None
            prev_k = previous.get(ind.code) if ind is not None and ind.code else None
            if ind is not None and ind.accumulation == "sum" and (prev_k is not None or real_k is not None):
                cum_k = (prev_k or 0) + (real_k or 0)
            else:
                cum_k = real_k
            cum_ach = None
            if end_t is not None and ind is not None and cum_k is not None and end_t.text is None:
                cum_ach = calc_achievement(TargetSpec(value=end_t.value, lower=end_t.lower, upper=end_t.upper), cum_k,
                                           ind.polarity, settings).value
            cum_rp_ach = absorption([rp_year] if rp_year is not None else [], end_rp).value if first and end_rp else None
            quarters = []
            for q in periods.QUARTERS:
                quarters += [k_by_q.get(q) if ind and ind.frequency == "quarterly" else None,
                             q_rp.get(q) if first else None]
            rows.append(Line([n, sasaran.get(node.serves_id) if first else None, node.code if first else None,
                              node.name if first else None, ind.name if ind else None,
                              _target_text(end_t), end_rp,
                              prev_k, None,
                              _target_text(r.annual_target) if r and r.annual_target.kind != "none" else None,
                              np.budget.pagu if first else None,
                              *quarters, real_k, rp_year if first else None,
                              ach_k, ach_rp, cum_k, rp_year if first else None, cum_ach, cum_rp_ach,
                              node.unit_in_charge if first else None], indent=np.depth))
    header = [
        [Head("No", rowspan=3), Head("Sasaran", rowspan=3), Head("Kode", rowspan=3),
         Head("Urusan / Bidang / Program / Kegiatan / Sub Kegiatan", rowspan=3), Head("Indikator Kinerja", rowspan=3),
         Head("Target Renstra pada Akhir Periode", colspan=2, rowspan=2),
         Head("Realisasi Capaian Kinerja Renstra s/d Renja Tahun Lalu", colspan=2, rowspan=2),
         Head(f"Target Kinerja dan Anggaran Renja Tahun {year}", colspan=2, rowspan=2),
         Head(f"Realisasi Kinerja Pada Triwulan Tahun {year}", colspan=8),
         Head(f"Realisasi Capaian Kinerja dan Anggaran Renja Tahun {year}", colspan=2, rowspan=2),
         Head("Tingkat Capaian Kinerja dan Realisasi Anggaran Renja (%)", colspan=2, rowspan=2),
         Head("Realisasi Kinerja dan Anggaran Renstra s/d Tahun Berjalan", colspan=2, rowspan=2),
         Head("Tingkat Capaian Kinerja dan Realisasi Anggaran Renstra s/d Tahun Berjalan (%)", colspan=2, rowspan=2),
         Head("Unit Penanggung Jawab", rowspan=3)],
        [Head("I", colspan=2), Head("II", colspan=2), Head("III", colspan=2), Head("IV", colspan=2)],
        [Head("K"), Head("Rp")] * 11,
    ]
    kr = [Column(9, "number"), Column(15, "money")]
    columns = ([Column(5, "int"), Column(20), Column(19), Column(28), Column(24)] + kr * 3 + kr * 4 + kr
               + [Column(10, "percent"), Column(10, "percent")] + kr + [Column(10, "percent"), Column(10, "percent")]
               + [Column(16)])
    pendorong, penghambat, next_q, next_renja = _narratives(s, plan, year)
    footer = [("Rata-rata capaian kinerja", format_percent(progress.annual_achievement.value)),
              ("Predikat kinerja", progress.predikat or "—"),
              ("Faktor pendorong keberhasilan pencapaian", pendorong or "—"),
              ("Faktor penghambat pencapaian kinerja", penghambat or "—"),
              ("Tindak lanjut yang diperlukan dalam triwulan berikutnya", next_q or "—"),
              ("Tindak lanjut yang diperlukan dalam Renja Perangkat Daerah berikutnya", next_renja or "—")]
    org = _org(s, plan)
    return Form("evaluasi-renja", "Evaluasi Renja", [
        "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH", f"{org.name.upper()}",
        f"PERIODE PELAKSANAAN TAHUN {year}"], header, columns, rows, meta=_meta(s, plan), footer=footer,
        name_column=3, paper="F4",
        signatures=[Signatory(f"Disusun ..........., {_today()}", f"Kepala {org.name}"),
                    Signatory(f"Dievaluasi ..........., {_today()}", "Kepala Bappeda")])


def _narratives(s: Session, plan: Plan, year: int) -> tuple[str, str, str, str]:
    narr = s.exec(select(Narrative).join(Indicator, Narrative.indicator_id == Indicator.id)
                  .where(Indicator.plan_id == plan.id, Narrative.year == year)).all()
    follow = s.exec(select(FollowUp).join(Indicator, FollowUp.indicator_id == Indicator.id)
                    .where(Indicator.plan_id == plan.id, FollowUp.year == year)
                    .order_by(FollowUp.created_at)).all()
    uniq = lambda xs: "; ".join(dict.fromkeys(x.strip() for x in xs if x and x.strip()))  # noqa: E731
    open_items = [f.action for f in follow if not f.done]
    return (uniq(n.faktor_pendorong for n in narr), uniq(n.faktor_penghambat for n in narr),
            uniq(open_items), uniq(f.action for f in follow if f.period in ("TW4", "Y")))


def monitoring_form(s: Session, plan: Plan, period: str) -> Form:
    if plan.kind != "renja":
        raise Invalid("Laporan pemantauan dibuat dari sebuah Renja.", field="kind")
    if not periods.is_valid(period):
        raise Invalid(f"Periode '{period}' tidak dikenal.", field="period")
    year = plan.first_year
    progress = mon.progress_for_plan(s, plan, year, period, _settings(), with_trend=False)
    rows = []
    for np in (x for root in progress.roots for x in root.walk()):
        lines = np.indicators or [None]
        for j, r in enumerate(lines):
            first = j == 0
            p = r.progress if r else None
            rows.append(Line([np.node.code if first else None, np.node.name if first else None,
                              r.indicator.name if r else None, r.indicator.unit if r else None,
                              _target_text(p.period_target) if p and p.period_target.kind != "none" else None,
                              p.realisation if p else None, p.achievement.value if p else None,
                              mon.MONITORING_STATUS_LABELS.get(r.status, r.status) if r else None,
                              _target_text(r.annual_target) if r and r.annual_target.kind != "none" else None,
                              p.annual_achievement.value if p else None,
                              np.budget.pagu if first else None, np.budget.realised if first else None,
                              np.budget.absorption.value if first else None,
                              r.responsible if r else None], indent=np.depth))
    header = [[Head("Kode", rowspan=2), Head("Program / Kegiatan / Sub Kegiatan", rowspan=2),
               Head("Indikator", rowspan=2), Head("Satuan", rowspan=2),
               Head(f"Kinerja s/d {periods.label(period)}", colspan=4), Head("Tahunan", colspan=2),
               Head("Anggaran", colspan=3), Head("Penanggung Jawab", rowspan=2)],
              [Head("Target"), Head("Realisasi"), Head("Capaian (%)"), Head("Status"), Head("Target"),
               Head("Capaian (%)"), Head("Pagu (Rp)"), Head("Realisasi (Rp)"), Head("Serapan (%)")]]
    columns = [Column(16), Column(30), Column(30), Column(9), Column(10, "number"), Column(10, "number"),
               Column(10, "percent"), Column(14), Column(10, "number"), Column(10, "percent"), Column(16, "money"),
               Column(16, "money"), Column(9, "percent"), Column(18)]
    footer = [("Capaian kinerja periode", format_percent(progress.achievement.value)),
              ("Capaian terhadap target tahunan", format_percent(progress.annual_achievement.value)),
              ("Predikat", progress.predikat or "—"),
              ("Kelengkapan laporan", f"{progress.reported} dari {progress.expected} sel "
                                      f"({format_percent(progress.completeness.value)})"),
              ("Serapan anggaran", format_percent(progress.budget.absorption.value))]
    return Form("monitoring", "Laporan Pemantauan", [
        f"LAPORAN PEMANTAUAN KINERJA {periods.label(period).upper()} TAHUN {year}",
        _org(s, plan).name.upper()], header, columns, rows, meta=_meta(s, plan), footer=footer, name_column=1)


# ---------------------------------------------------------------- entry points

def forms_for(s: Session, plan: Plan, kind: str, period: str | None = None,
              tree: plans.Tree | None = None) -> list[Form]:
    builders = {"renstra": lambda: [renstra_form(s, plan)], "renja": lambda: [renja_form(s, plan, tree)],
                "pk": lambda: pk_forms(s, plan), "iku": lambda: [iku_form(s, plan)],
                "metadata": lambda: [metadata_form(s, plan)], "evaluasi-renja": lambda: [evaluasi_form(s, plan)],
                "monitoring": lambda: [monitoring_form(s, plan, period or "TW4")]}
    if kind not in builders:
        raise Invalid(f"Jenis ekspor '{kind}' tidak dikenal; pilih {', '.join(KINDS)}.", field="kind")
    return builders[kind]()


def workbook(s: Session, plan: Plan, kind: str, period: str | None = None) -> bytes:
    """The export as .xlsx. ``renja`` and ``renstra`` carry the official matrix first and then the
    import template's sheets, so the same file reads back into Planner unchanged."""
    whole = kind in ("renja", "renstra") and kind == plan.kind
    tree = plans.load_tree(s, plan) if whole else None  # the matrix and the template's sheets read it once
    forms = forms_for(s, plan, kind, period, tree)
    if whole:
        return tpl.build_template(template_rows(s, plan, tree), first_sheets=lambda wb: xlsx.add_forms(wb, forms))
    return xlsx.build(forms)


def filename(plan: Plan, kind: str, org: Organization, period: str | None = None) -> str:
    import re
    code = re.sub(r"[^A-Za-z0-9.]+", "-", org.code).strip("-")
    suffix = f"-{period}" if kind == "monitoring" and period else ""
    return f"{kind}-{code}-{plan.period_label.replace('–', '-')}{suffix}.xlsx"
