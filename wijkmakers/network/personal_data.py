"""What the network holds about a person, for their data export (core/personal_data.py)."""
from sqlalchemy import or_, select

from ..core.personal_data import register
from ..extensions import db
from .models import (INITIATIVE_STATUSES, KIND_HELP, AbuseReport, ContactRequest, Initiative, InitiativeFollower,
                     NetworkBlock, NetworkProfile)

REQUEST_LABELS = {"open": "Open", "beantwoord": "Beantwoord", "afgeslagen": "Afgeslagen",
                  "geweigerd": "Niet bezorgd (geblokkeerd)"}


@register("netwerkprofiel", "Netwerkprofiel", tables=("network_profile", "network_profile_theme"), order=70, labels={
    "zichtbaar": "Zichtbaar in het netwerk", "aangezet": "Aangezet op", "uitgezet": "Uitgezet op",
    "naam": "Naam in het netwerk", "wijk": "Wijk", "thema_s": "Thema's", "trefwoorden": "Trefwoorden",
    "bezig_met": "Waar ik mee bezig ben", "introductie": "Introductie", "toon_organisatie": "Organisatie tonen",
    "toon_soort": "Bewoner of professional tonen", "toon_deelname": "Deelname tonen",
    "contactverzoeken": "Contactverzoeken ontvangen"})
def profile(user) -> dict:
    p = db.session.scalar(select(NetworkProfile).where(NetworkProfile.user_id == user.id))
    if p is None:
        return {}
    return {"zichtbaar": p.opted_in, "aangezet": p.opted_in_at, "uitgezet": p.withdrawn_at, "naam": p.display_name,
            "wijk": p.neighbourhood, "thema_s": [t.theme for t in p.themes], "trefwoorden": p.tag_list,
            "bezig_met": p.working_on, "introductie": p.introduction, "toon_organisatie": p.show_organisation,
            "toon_soort": p.show_kind, "toon_deelname": p.show_participation, "contactverzoeken": p.accepts_contact}


@register("berichten", "Berichten in het netwerk", tables=("network_contact_request",), order=71, labels={
    "richting": "Verstuurd of ontvangen", "soort": "Soort", "van": "Van", "bericht": "Bericht",
    "verstuurd": "Verstuurd op", "status": "Status", "antwoord": "Antwoord", "beantwoord": "Beantwoord op"})
def messages(user) -> list[dict]:
    rows = db.session.scalars(select(ContactRequest).where(
        or_(ContactRequest.sender_id == user.id, ContactRequest.recipient_id == user.id))
        .order_by(ContactRequest.created_at, ContactRequest.id))
    return [{"richting": "Verstuurd" if r.sender_id == user.id else "Ontvangen",
             "soort": "Hulpaanbod" if r.kind == KIND_HELP else "Contactverzoek", "van": r.sender_name,
             "bericht": r.message, "verstuurd": r.created_at, "status": REQUEST_LABELS.get(r.status, r.status),
             "antwoord": r.reply, "beantwoord": r.answered_at} for r in rows]


@register("initiatieven", "Je initiatieven", tables=("network_initiative",), order=72, labels={
    "titel": "Titel", "wijk": "Wijk", "thema": "Thema", "status": "Status", "samenvatting": "Samenvatting",
    "aangemaakt": "Aangemaakt op", "berichten": "Berichten bij het initiatief"})
def initiatives(user) -> list[dict]:
    rows = db.session.scalars(select(Initiative).where(Initiative.author_id == user.id).order_by(Initiative.created_at))
    return [{"titel": i.title, "wijk": i.neighbourhood, "thema": i.theme, "status": i.status_label,
             "samenvatting": i.summary, "aangemaakt": i.created_at, "berichten": [u.body for u in i.updates]}
            for i in rows]


@register("volgt", "Initiatieven die je volgt", tables=("network_initiative_follower",), order=73, labels={
    "initiatief": "Initiatief", "status": "Status", "sinds": "Volgt sinds"})
def follows(user) -> list[dict]:
    rows = db.session.execute(select(InitiativeFollower, Initiative)
                              .join(Initiative, Initiative.id == InitiativeFollower.initiative_id)
                              .where(InitiativeFollower.user_id == user.id).order_by(InitiativeFollower.created_at))
    return [{"initiatief": i.title, "status": INITIATIVE_STATUSES.get(i.status, i.status), "sinds": f.created_at}
            for f, i in rows]


@register("geblokkeerd", "Mensen die je hebt geblokkeerd", tables=("network_block",), order=74, labels={
    "naam": "Naam", "sinds": "Geblokkeerd op"})
def blocks(user) -> list[dict]:
    rows = db.session.scalars(select(NetworkBlock).where(NetworkBlock.blocker_id == user.id)
                              .order_by(NetworkBlock.created_at))
    return [{"naam": b.blocked_name, "sinds": b.created_at} for b in rows]


@register("meldingen", "Je meldingen van ongewenste berichten", tables=("network_abuse_report",), order=75, labels={
    "reden": "Reden", "gemeld": "Gemeld op", "afgehandeld": "Afgehandeld op"})
def reports(user) -> list[dict]:
    rows = db.session.scalars(select(AbuseReport).where(AbuseReport.reporter_id == user.id)
                              .order_by(AbuseReport.created_at))
    return [{"reden": r.reason, "gemeld": r.created_at, "afgehandeld": r.handled_at} for r in rows]
