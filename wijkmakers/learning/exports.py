"""The learning feature's downloads: the cohort overview as table rows, and plain file names (the CSV
itself comes from core.spreadsheet)."""
import re
import unicodedata

from .completion import FLAG_LABELS, CohortFacts
from .models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN


def filename(label: str) -> str:
    """A plain ASCII file name for a Content-Disposition header."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_label).strip("-").lower() or "overzicht"


def overview_table(facts: CohortFacts) -> tuple[list[str], list[list]]:
    """The cohort overview as rows for a CSV file."""
    header = ["Naam", "E-mailadres", "Organisatie", "Status", "Modules bestudeerd"]
    header += [link.module.title for link in facts.modules]
    header += ["Aanwezig", "Bijeenkomsten gehouden", "Aanwezigheid tot nu toe (%)", "Voldoet aan afrondingsregel",
               "Aandachtspunten", "Afgerond op"]
    rows = []
    for row in facts.rows:
        enrolment = row.enrolment
        pct = facts.attendance_pct(row)
        rows.append(
            [row.user.name, row.user.email or "", row.organisation_name or "",
             {ENROLMENT_ACTIVE: "actief", ENROLMENT_COMPLETED: "afgerond", ENROLMENT_WITHDRAWN: "gestopt"}.get(
                 enrolment.status, enrolment.status),
             f"{len(row.studied)} van {len(facts.modules)}"]
            + ["ja" if link.module_id in row.studied else "nee" for link in facts.modules]
            + [row.present, len(facts.held), "" if pct is None else pct, "ja" if row.meets_rule else "nee",
               ", ".join(FLAG_LABELS[f] for f in row.flags),
               enrolment.completed_at.strftime("%d-%m-%Y") if enrolment.completed_at else ""])
    return header, rows
