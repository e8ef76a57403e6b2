"""Import jobs: who may start one, who may see one, and how it reads in the API."""
from __future__ import annotations

from sqlmodel import Session, select

from planner.errors import Forbidden, Invalid, NotFound
from planner.excel.import_reader import LIMITS
from planner.models import Organization
from planner.models.imports import ImportJob, ImportMapping
from planner.permissions import Principal, can, require

IMPORT_RIGHTS = ("plan.edit", "realization.edit")


def may_import(p: Principal, org: Organization) -> bool:
    return any(can(p, right, org) for right in IMPORT_RIGHTS)


def create_job(s: Session, p: Principal, org: Organization | None, filename: str, data: bytes,
               dry_run: bool = False, mapping_id: int | None = None) -> ImportJob:
    """A queued job with its file. The organisation is checked here; the rows are checked by the import."""
    if org is None:
        if not p.is_admin:
            raise Invalid("Pilih organisasi tujuan impor.", field="organization_id")
    else:
        require(p, "plan.read", org)
        if not may_import(p, org):
            raise Forbidden("Anda tidak berwenang mengimpor data untuk organisasi ini.")
    if not data:
        raise Invalid("Pilih berkas untuk diimpor.", field="file")
    if len(data) > LIMITS.max_bytes:
        raise Invalid(f"Berkas melebihi batas {LIMITS.max_bytes // (1024 * 1024)} MB.", field="file")
    if mapping_id is not None:
        mapping = s.get(ImportMapping, mapping_id)
        if mapping is None or org is None or mapping.organization_id != org.id:
            raise Invalid("Pemetaan kolom tidak ditemukan untuk organisasi ini.", field="mapping_id")
    job = ImportJob(organization_id=org.id if org else None, user_id=p.user.id, filename=filename[:255],
                    content=data, dry_run=dry_run, mapping_id=mapping_id)
    s.add(job)
    s.flush()
    return job


def get_job(s: Session, p: Principal, job_id: int) -> ImportJob:
    job = s.get(ImportJob, job_id)
    if job is None:
        raise NotFound("Impor tidak ditemukan.")
    if p.is_admin or job.user_id == p.user.id:
        return job
    org = s.get(Organization, job.organization_id) if job.organization_id else None
    if org is None or org.id not in p.readable_orgs:
        raise NotFound("Impor tidak ditemukan.")
    return job


def recent_jobs(s: Session, p: Principal, limit: int = 20) -> list[ImportJob]:
    q = select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)
    if not p.is_admin:
        q = q.where((ImportJob.user_id == p.user.id) | ImportJob.organization_id.in_(list(p.readable_orgs)))
    return list(s.exec(q))


def job_json(job: ImportJob, progress: dict | None = None) -> dict:
    return {"id": job.id, "status": job.status, "dry_run": job.dry_run, "organization_id": job.organization_id,
            "filename": job.filename, "created": job.total("created"), "updated": job.total("updated"),
            "unchanged": job.total("unchanged"), "sheets": job.counts or {}, "errors": job.errors or [],
            "message": job.message, "progress": progress or {"done": 0, "total": 0}}
