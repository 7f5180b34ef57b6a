"""What the participant's pages show (and a mentor's or organiser's view of one participant): their
enrolments, one programme with progress, sessions and phases, and one module with its sessions. Reads
only; an enrolment that is not the participant's own is not found."""
from sqlalchemy import bindparam, select

from ..activities.models import KIND_SESSION, STATUS_CANCELLED, Activity
from ..auth.models import User
from ..core.errors import NotFound
from ..core.statements import prepared
from ..core.timeutil import utcnow
from ..extensions import db
from .completion import cohort_facts
from .models import PROGRESS_STUDIED, Enrolment, ProgrammeModule
from .programmes import programme_modules
from .session_attendance import sessions_attended
from .study import progress_of
from .traineeship import trainee_rows


def my_enrolments(user: User) -> list[Enrolment]:
    return list(db.session.scalars(_my_enrolments(), {"user_id": user.id}).unique())


@prepared  # the participant's /leren asks this on every visit
def _my_enrolments():
    return (select(Enrolment).where(Enrolment.user_id == bindparam("user_id"))
            .order_by(Enrolment.created_at.desc(), Enrolment.id.desc()))


def own_enrolment(enrolment_id: int, user: User) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.user_id != user.id:
        raise NotFound("Deze inschrijving bestaat niet.")
    return enrolment


def programme_overview(enrolment: Enrolment) -> dict:
    """The programme page of one enrolment: modules with progress, sessions, attendance, phases."""
    cohort = enrolment.cohort
    facts = cohort_facts(cohort, user_ids=[enrolment.user_id])
    links = facts.modules
    progress = progress_of(enrolment.user_id, [link.module_id for link in links])
    mine = next((row for row in facts.rows + facts.requests if row.enrolment.id == enrolment.id), None)
    now = utcnow()
    upcoming = [s for s in facts.sessions if s.status != STATUS_CANCELLED and s.ends_at >= now]
    studied = sum(1 for link in links if progress.get(link.module_id) and
                  progress[link.module_id].status == PROGRESS_STUDIED)
    trainee = trainee_rows([enrolment.id]) if cohort.programme.phases else []
    attended = sessions_attended(enrolment.user_id, [s.id for s in facts.sessions])
    sessions_by_module: dict[int, list[Activity]] = {}
    for session in facts.sessions:
        sessions_by_module.setdefault(session.module_id, []).append(session)
    return {"enrolment": enrolment, "cohort": cohort, "programme": cohort.programme, "links": links,
            "progress": progress, "facts": facts, "mine": mine, "next_session": upcoming[0] if upcoming else None,
            "studied": studied, "percent": round(100 * studied / len(links)) if links else 0,
            "trainee": trainee[0] if trainee else None, "sessions_by_module": sessions_by_module,
            "attended": attended, "now": now}


def module_overview(enrolment: Enrolment, link: ProgrammeModule) -> dict:
    """The module page: the participant's progress, the cohort's sessions on it, and its neighbours."""
    progress = progress_of(enrolment.user_id, [link.module_id]).get(link.module_id)
    sessions = db.session.scalars(
        select(Activity).where(Activity.cohort_id == enrolment.cohort_id, Activity.kind == KIND_SESSION,
                               Activity.module_id == link.module_id).order_by(Activity.starts_at)).all()
    links = programme_modules(enrolment.cohort.programme_id)
    position = next((i for i, other in enumerate(links) if other.id == link.id), 0)
    return {"progress": progress, "sessions": sessions,
            "previous": links[position - 1] if position > 0 else None,
            "next": links[position + 1] if position + 1 < len(links) else None}
