"""What the activities feature holds about a person, for their data export (core/personal_data.py)."""
from sqlalchemy import select

from ..core.personal_data import register
from ..extensions import db
from .models import (ACTIVITY_KINDS, REG_LABELS, Activity, ActivityGuide, Attendance, Feedback, NewcomerSignup,
                     Registration, RegistrationEvent)
from .signups import EVENT_LABELS


def _kind(activity: Activity) -> str:
    return ACTIVITY_KINDS.get(activity.kind, activity.kind)


@register("aanmeldingen", "Aanmeldingen voor activiteiten", tables=("registration",), order=40, labels={
    "activiteit": "Activiteit", "soort": "Soort", "datum": "Datum", "status": "Status",
    "plaats_op_wachtlijst": "Plaats op wachtlijst", "aangemeld": "Aangemeld op", "herinnerd": "Herinnering gestuurd"})
def registrations(user) -> list[dict]:
    rows = db.session.execute(select(Registration, Activity).join(Activity, Activity.id == Registration.activity_id)
                              .where(Registration.user_id == user.id).order_by(Activity.starts_at, Registration.id))
    return [{"activiteit": a.title, "soort": _kind(a), "datum": a.starts_at,
             "status": REG_LABELS.get(r.status, r.status),
             "plaats_op_wachtlijst": r.waitlist_position, "aangemeld": r.created_at, "herinnerd": r.reminded_at}
            for r, a in rows]


@register("aanmeldgeschiedenis", "Geschiedenis van je aanmeldingen", tables=("registration_event",), order=41,
          labels={"activiteit": "Activiteit", "wat": "Wat", "wanneer": "Wanneer", "notitie": "Notitie"})
def registration_events(user) -> list[dict]:
    rows = db.session.execute(select(RegistrationEvent, Activity.title)
                              .join(Activity, Activity.id == RegistrationEvent.activity_id)
                              .where(RegistrationEvent.user_id == user.id)
                              .order_by(RegistrationEvent.at, RegistrationEvent.id))
    return [{"activiteit": title, "wat": EVENT_LABELS.get(e.event, e.event), "wanneer": e.at, "notitie": e.note}
            for e, title in rows]


@register("aanwezigheid", "Aanwezigheid bij activiteiten", tables=("attendance",), order=42, labels={
    "activiteit": "Activiteit", "datum": "Datum", "aanwezig": "Aanwezig", "inloper": "Zonder aanmelding gekomen",
    "binnengekomen": "Aangemeld bij binnenkomst"})
def attendance(user) -> list[dict]:
    rows = db.session.execute(select(Attendance, Activity).join(Activity, Activity.id == Attendance.activity_id)
                              .where(Attendance.user_id == user.id).order_by(Activity.starts_at))
    return [{"activiteit": a.title, "datum": a.starts_at, "aanwezig": at.present, "inloper": at.walk_in,
             "binnengekomen": at.checked_in_at} for at, a in rows]


@register("evaluaties", "Evaluaties", tables=("feedback",), order=43, labels={
    "activiteit": "Activiteit", "cijfer": "Cijfer", "opmerking": "Opmerking", "gegeven": "Gegeven op"})
def feedback(user) -> list[dict]:
    rows = db.session.execute(select(Feedback, Activity.title).join(Activity, Activity.id == Feedback.activity_id)
                              .where(Feedback.user_id == user.id).order_by(Feedback.created_at))
    return [{"activiteit": title, "cijfer": f.mark, "opmerking": f.comment, "gegeven": f.created_at}
            for f, title in rows]


@register("aanmeldingen_zonder_account", "Aanmeldingen via de openbare agenda", tables=("newcomer_signup",),
          order=44, labels={"activiteit": "Activiteit", "organisatie": "Opgegeven organisatie",
                            "aangemeld": "Aangemeld op", "bevestigd": "Bevestigd op", "uitkomst": "Uitkomst"})
def newcomer_signups(user) -> list[dict]:
    rows = db.session.execute(select(NewcomerSignup, Activity.title)
                              .join(Activity, Activity.id == NewcomerSignup.activity_id)
                              .where(NewcomerSignup.user_id == user.id).order_by(NewcomerSignup.created_at))
    return [{"activiteit": title, "organisatie": s.organisation_name, "aangemeld": s.created_at,
             "bevestigd": s.completed_at, "uitkomst": s.outcome} for s, title in rows]


@register("begeleid", "Activiteiten die je begeleidt", tables=("activity_guide",), order=45, labels={
    "activiteit": "Activiteit", "datum": "Datum"})
def guided(user) -> list[dict]:
    rows = db.session.scalars(select(Activity).join(ActivityGuide, ActivityGuide.activity_id == Activity.id)
                              .where(ActivityGuide.user_id == user.id).order_by(Activity.starts_at))
    return [{"activiteit": a.title, "datum": a.starts_at} for a in rows]
