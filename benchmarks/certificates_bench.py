"""Certificate rendering benchmark: a warm render must take at most 150 ms, a batch of 100 at most 10 s.

    .venv/bin/python benchmarks/certificates_bench.py [--renders 30] [--batch 100]

Builds a scratch SQLite database in a temporary folder with one programme of ten modules, a cohort of
``--batch`` participants and their certificates, then measures
- the cold render (the first one in the process: fonts and stylesheet are loaded),
- warm renders of one certificate (data query, HTML, layout, font subsetting, PDF/A): median, p95, max,
- the whole cohort as separate PDFs plus the ZIP: in one process (the organiser's download in the web
  app, which spreads a large cohort over several page visits) and with a process per core (the
  `flask certificates zip` command).
Exits with status 1 when a limit is exceeded.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WARM_LIMIT_MS = 150
BATCH_LIMIT_S = 10.0


def build(count: int) -> int:
    from wijkmakers.auth.models import User
    from wijkmakers.certificates import issuing
    from wijkmakers.extensions import db
    from wijkmakers.learning.models import (ENROLMENT_COMPLETED, Cohort, Enrolment, Module, Programme,
                                            ProgrammeModule)

    programme = Programme(slug="leergang-wijkontwikkeling", name="Leergang Wijkontwikkeling")
    titles = ["Gebiedsgericht werken", "Bewonersparticipatie", "Samenlevingsopbouw", "Energietransitie",
              "Ondermijning", "Ruimtelijke kwaliteit", "Financiering", "Governance", "Gesprekstechniek",
              "Presentatievaardigheden"]
    for position, title in enumerate(titles, start=1):
        module = Module(slug=f"m{position}", title=title, theme=title, position=position, study_hours=4 + position % 3)
        programme.modules.append(ProgrammeModule(module=module, position=position))
    cohort = Cohort(programme=programme, name="2025-2026", starts_on=date(2025, 9, 1), ends_on=date(2026, 6, 30))
    first = ["Anouk", "Bram", "Zoë", "Youssef", "Elif", "Tjeerd", "Wietske", "Mohamed"]
    last = ["de Vries", "Yılmaz", "El Idrissi", "Dijkstra", "Hoekstra", "van der Molen-Bakker"]
    for n in range(count):
        user = User(email=f"deelnemer{n}@example.org", name=f"{first[n % 8]} {last[n % 6]}")
        db.session.add(Enrolment(user=user, cohort=cohort, status=ENROLMENT_COMPLETED))
    db.session.add(cohort)
    db.session.commit()
    for enrolment_id in db.session.scalars(db.select(Enrolment.id)).all():
        issuing.issue_programme_certificate(enrolment_id)
    return cohort.id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30, help="number of warm single renders")
    parser.add_argument("--batch", type=int, default=100, help="certificates in the cohort batch")
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                        help="processes for the parallel batch (the `flask certificates zip` command)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="certificates-bench-")
    os.environ["WIJKMAKERS_INSTANCE"] = workdir
    from wijkmakers import create_app
    from wijkmakers.certificates import documents, pdf
    from wijkmakers.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite", "SECRET_KEY": "bench",
                      "BASE_URL": "https://wijkmakers.example", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        db.create_all()
        cohort_id = build(args.batch)
        certificates = documents.cohort_certificates(cohort_id)

        started = time.perf_counter()
        documents.render_certificate(certificates[0])
        cold_ms = (time.perf_counter() - started) * 1000

        warm = []
        for i in range(args.renders):
            certificate = certificates[i % len(certificates)]
            db.session.expire_all()  # each render loads its data again, as a download request does
            started = time.perf_counter()
            content = documents.render_certificate(certificate)
            warm.append((time.perf_counter() - started) * 1000)

        db.session.expire_all()
        started = time.perf_counter()
        files = documents.render_many(certificates)
        archive = pdf.write_zip(files)
        batch_s = time.perf_counter() - started

        db.session.expire_all()
        started = time.perf_counter()
        parallel_files = documents.render_many(certificates, workers=args.workers)
        pdf.write_zip(parallel_files)
        parallel_s = time.perf_counter() - started

    warm.sort()
    median = statistics.median(warm)
    p95 = warm[min(len(warm) - 1, int(round(0.95 * (len(warm) - 1))))]
    print(f"Certificaten: WeasyPrint, {pdf.PDF_VARIANT}, lettertype Open Sans (static/fonts)")
    print(f"  koude render (eerste in proces): {cold_ms:7.0f} ms")
    print(f"  warme render, {len(warm)} keer:      mediaan {median:.0f} ms, p95 {p95:.0f} ms, max {warm[-1]:.0f} ms"
          f"  (grens {WARM_LIMIT_MS} ms)")
    print(f"  pdf-grootte:                     {len(content) / 1024:7.1f} kB")
    print(f"  groep van {len(files)} als zip, 1 proces: {batch_s:7.2f} s = {batch_s / len(files) * 1000:.0f} ms per "
          f"certificaat, zip {len(archive) / 1024 / 1024:.1f} MB  (grens {BATCH_LIMIT_S:.0f} s)")
    print(f"  idem met {args.workers} processen:        {parallel_s:7.2f} s  (flask certificates zip --workers "
          f"{args.workers})")
    limit = BATCH_LIMIT_S * len(files) / 100
    ok = median <= WARM_LIMIT_MS and min(batch_s, parallel_s) <= limit
    print("  resultaat: " + ("binnen de grenzen" if ok else "TE TRAAG"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
