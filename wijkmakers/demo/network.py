"""Demo rows for the network: a realistic share of people opted in, initiatives from action plans,
some contact requests and follow-ups.

The demo login deelnemer@ is deliberately NOT in the network, so a demo can show opting in. trainee@
(Milan Hoekstra) is in it, works on energietransitie in Selwerd and has an action plan whose
three-month follow-up is due (``flask network followups`` mails him). begeleider@ is in it too.
"""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ..auth.models import User, UserRole
from ..extensions import db
from ..learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, Enrolment, Module, ModuleProgress
from ..network.followups import FOLLOWUP_MONTHS, months_before
from ..network.models import (KIND_CONTACT, KIND_HELP, REQUEST_ANSWERED, REQUEST_DECLINED, REQUEST_OPEN,
                              THEMES, UPDATE_FOLLOWUP, UPDATE_NOTE, ContactRequest, Initiative, InitiativeFollower,
                              InitiativeUpdate, NetworkProfile, NetworkProfileTheme)
from .dates import done_by
from .texts import (CONTACT_MESSAGES, CONTACT_REPLIES, INITIATIVE_DONE, INITIATIVE_STOPPED, INITIATIVE_UPDATES,
                    INITIATIVES, INTRODUCTIONS)

DOMAIN = "wijkmakers.example"
TAGS = ["moestuin", "jongerenwerk", "subsidie aanvragen", "buurthuis", "warmtenet", "huurdersbelangen",
        "eenzaamheid", "speeltuin", "vroegsignalering", "wijkkrant", "groen in de straat", "taalcafé",
        "schuldhulp", "sport in de wijk", "kunst in de openbare ruimte", "buurtbemiddeling"]
WORKING_ON = [
    "Een ontmoetingsplek in de oude bibliotheek", "Warmtescan met bewoners van de flats",
    "Een buurtmoestuin achter het winkelcentrum", "Jongeren betrekken bij het ontwerp van het plein",
    "Een wijkkrant die ook online verschijnt", "Samen eten met nieuwe buren",
    "Signalen van ondermijning bespreekbaar maken", "Een bewonerspanel voor de herstructurering",
    "Een energiecafé in het buurthuis", "Ommetjes voor ouderen met een rollator",
    "Een klussenbank voor huurders", "Meer groen en minder stenen in de straat",
]
def _profile(rng: random.Random, user: User, now: datetime, themes: list[str] | None = None, **fields) -> NetworkProfile:
    chosen = themes or rng.sample(THEMES, rng.randint(1, 3))
    hood = fields.pop("neighbourhood", user.neighbourhood or rng.choice(
        ["Selwerd", "Paddepoel", "Vinkhuizen", "Indische buurt", "De Hoogte", "Korrewegwijk", "Oosterparkwijk"]))
    profile = NetworkProfile(
        user_id=user.id, opted_in=True, opted_in_at=now - timedelta(days=rng.randint(5, 600)),
        display_name=fields.pop("display_name", user.name),
        show_organisation=fields.pop("show_organisation", user.organisation_id is not None and rng.random() < .8),
        show_kind=fields.pop("show_kind", rng.random() < .9),
        show_participation=fields.pop("show_participation", rng.random() < .75),
        neighbourhood=hood,
        tags=fields.pop("tags", ", ".join(rng.sample(TAGS, rng.randint(0, 3)))),
        working_on=fields.pop("working_on", rng.choice(WORKING_ON) if rng.random() < .7 else ""),
        introduction=fields.pop("introduction", rng.choice(INTRODUCTIONS[user.kind]).format(buurt=hood)),
        accepts_contact=fields.pop("accepts_contact", rng.random() < .95),
        **fields)
    profile.themes = [NetworkProfileTheme(theme=t) for t in dict.fromkeys(chosen)]
    db.session.add(profile)
    return profile


def load_demo_network(now: datetime) -> None:
    rng = random.Random(2030)
    if db.session.scalar(select(NetworkProfile.id).limit(1)) is not None:
        return  # already loaded

    logins = {u.email: u for u in db.session.scalars(
        select(User).where(User.email.in_([f"{k}@{DOMAIN}" for k in ("trainee", "begeleider", "deelnemer")])))}
    trainee, guide = logins.get(f"trainee@{DOMAIN}"), logins.get(f"begeleider@{DOMAIN}")

    # Action plans: the demo writes them without a date; date them at the moment the module was studied.
    # Plans older than the follow-up window already had their reminder (and, if they have an outcome,
    # their answer), except trainee@'s oldest plan, which is due now for the demo.
    plans = db.session.scalars(
        select(ModuleProgress).where(ModuleProgress.action_plan != "").order_by(ModuleProgress.id)).all()
    trainee_due = None
    cutoff = months_before(now, FOLLOWUP_MONTHS)
    for progress in plans:
        if progress.action_plan_at is None:
            progress.action_plan_at = progress.studied_at or (now - timedelta(days=30))
        old = progress.action_plan_at <= cutoff
        if old and progress.followup_sent_at is None:
            if trainee is not None and progress.user_id == trainee.id and trainee_due is None:
                trainee_due = progress
                continue
            progress.followup_sent_at = done_by(progress.action_plan_at + timedelta(days=92), now)
        if progress.action_outcome and progress.action_outcome_at is None:
            progress.action_outcome_at = done_by((progress.followup_sent_at or progress.action_plan_at)
                                                 + timedelta(days=4), now)

    # Who opts in: about a third of the course participants, a tenth of the other participants.
    course_people = set(db.session.scalars(
        select(Enrolment.user_id).where(Enrolment.status.in_((ENROLMENT_ACTIVE, ENROLMENT_COMPLETED)))).all())
    staff_only = set(db.session.scalars(select(UserRole.user_id).where(
        UserRole.role.in_(("organisator", "partnercontact", "coordinator", "beheerder")))).all())
    candidates = db.session.scalars(
        select(User).where(User.active.is_(True), User.anonymised_at.is_(None), User.email.is_not(None))
        .order_by(User.id)).all()
    skip = {u.id for u in logins.values()} | staff_only
    profiles: dict[int, NetworkProfile] = {}
    for user in candidates:
        if user.id in skip:
            continue
        share = .33 if user.id in course_people else .10
        if rng.random() < share:
            profiles[user.id] = _profile(rng, user, now)
    if trainee is not None:
        profiles[trainee.id] = _profile(
            rng, trainee, now, themes=["energietransitie", "samenlevingsopbouw"], neighbourhood="Selwerd",
            show_participation=True, show_kind=True, accepts_contact=True, tags="warmtenet, jongerenwerk",
            working_on="Warmtescan met bewoners van de flats aan de Eikenlaan in Selwerd",
            introduction="Trainee wijkvernieuwer. Ik loop stage bij een energiecoöperatie en zoek bewoners en "
                         "professionals die willen meedenken over warmte in de wijk.")
    if guide is not None:
        profiles[guide.id] = _profile(
            rng, guide, now, themes=["gebiedsgericht werken", "bewonersparticipatie", "gesprekstechniek"],
            neighbourhood="Vinkhuizen", show_participation=True, accepts_contact=True,
            tags="wijkwandeling, buurthuis", working_on="De maandelijkse wijkwandeling in Vinkhuizen",
            introduction="Bewoner van Vinkhuizen en begeleider van de wijkwandelingen. Ik breng graag mensen bij elkaar.")
    # A few people who tried the network and withdrew again.
    for profile in list(profiles.values())[5:9]:
        if profile.user_id not in {getattr(trainee, "id", None), getattr(guide, "id", None)}:
            profile.opted_in, profile.withdrawn_at = False, now - timedelta(days=rng.randint(3, 90))
    db.session.flush()

    # Initiatives from action plans of opted-in people (and one from scratch for trainee@).
    listed = {uid for uid, p in profiles.items() if p.opted_in}
    modules = {m.id: m for m in db.session.scalars(select(Module))}
    by_user: dict[int, list[ModuleProgress]] = {}
    for progress in plans:
        if progress.user_id in listed and progress is not trainee_due:
            by_user.setdefault(progress.user_id, []).append(progress)
    authors = sorted(by_user)
    rng.shuffle(authors)
    initiatives = []
    unused = list(INITIATIVES)
    rng.shuffle(unused)
    stops, dones = rng.sample(INITIATIVE_STOPPED, len(INITIATIVE_STOPPED)), rng.sample(INITIATIVE_DONE, len(INITIATIVE_DONE))
    notes = rng.sample(INITIATIVE_UPDATES, len(INITIATIVE_UPDATES))
    for user_id in authors[:20]:
        progress = by_user[user_id][-1]
        module = modules.get(progress.module_id)
        # the initiative grew from the author's newest action plan: one on that module's theme when left
        entry = next((e for e in unused if module is not None and e[1] == module.theme.replace("-", " ")), unused[0])
        unused.remove(entry)
        title, theme, summary = entry
        status = rng.choice(["idee", "bezig", "bezig", "klaar", "gestopt"])
        created = done_by((progress.action_plan_at or now) + timedelta(days=rng.randint(1, 20)), now)
        hood = profiles[user_id].neighbourhood
        initiative = Initiative(author_id=user_id, progress_id=progress.id, title=title, neighbourhood=hood,
                                theme=theme, status=status, summary=summary.format(buurt=hood or "de wijk"),
                                created_at=created, updated_at=created)
        db.session.add(initiative)
        count = {"idee": 0, "bezig": rng.randint(1, 2), "klaar": 3, "gestopt": 1}[status]
        for n in range(count):
            at = created + timedelta(days=30 * (n + 1), hours=rng.randint(0, 9))
            if at >= now:  # not happened yet: the initiative is still under way
                if status in ("klaar", "gestopt"):
                    initiative.status = "bezig"
                break
            last = n == count - 1
            if status == "klaar" and last:
                body = dones[len(initiatives) % len(dones)]
            elif status == "gestopt":
                body = stops[len(initiatives) % len(stops)]
            else:
                body = notes[(len(initiatives) + n) % len(notes)]
            initiative.updates.append(InitiativeUpdate(body=body, created_at=at, kind=UPDATE_NOTE,
                                                       status=status if last and status in ("klaar", "gestopt") else None))
            initiative.updated_at = at
        initiatives.append(initiative)
    if trainee is not None:
        warmth = Initiative(author_id=trainee.id, title="Warmtescan voor de flats aan de Eikenlaan",
                            neighbourhood="Selwerd", theme="energietransitie", status="bezig",
                            summary="Met de energiecoöperatie en vijf bewoners lopen we in het voorjaar langs alle "
                                    "portieken. Wie meeloopt, leert zelf een warmtescan maken.",
                            created_at=now - timedelta(days=40), updated_at=now - timedelta(days=10))
        warmth.updates.append(InitiativeUpdate(body="De eerste twee portieken zijn gedaan; er is een tweede "
                                                    "warmtecamera geleend.", created_at=now - timedelta(days=10),
                                               kind=UPDATE_FOLLOWUP))
        db.session.add(warmth)
        initiatives.append(warmth)
    db.session.flush()

    # Followers and contact requests between opted-in people.
    people = sorted(listed)
    for initiative in initiatives:
        for follower in rng.sample(people, min(len(people), rng.randint(0, 6))):
            if follower != initiative.author_id:
                db.session.add(InitiativeFollower(initiative_id=initiative.id, user_id=follower,
                                                  created_at=done_by(initiative.created_at + timedelta(days=3), now)))
    for n in range(min(30, len(people) // 2)):
        sender, recipient = rng.sample(people, 2)
        at = now - timedelta(days=rng.randint(2, 500))
        status = rng.choice([REQUEST_ANSWERED, REQUEST_ANSWERED, REQUEST_ANSWERED, REQUEST_DECLINED, REQUEST_OPEN])
        help_for = rng.choice(initiatives) if n % 5 == 0 and initiatives else None
        if help_for is not None and help_for.author_id != sender:
            recipient = help_for.author_id
        else:
            help_for = None
        if recipient == sender:
            continue
        db.session.add(ContactRequest(
            kind=KIND_HELP if help_for else KIND_CONTACT, sender_id=sender, recipient_id=recipient,
            initiative_id=help_for.id if help_for else None, sender_name=profiles[sender].display_name,
            message=rng.choice(CONTACT_MESSAGES), status=status, created_at=at,
            reply=rng.choice(CONTACT_REPLIES) if status == REQUEST_ANSWERED else "",
            answered_at=at + timedelta(days=1) if status == REQUEST_ANSWERED else None,
            declined_at=at + timedelta(days=2) if status == REQUEST_DECLINED else None))
    db.session.flush()
