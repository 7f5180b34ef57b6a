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
from ..network.models import (KIND_CONTACT, KIND_HELP, REQUEST_ANSWERED, REQUEST_DECLINED, REQUEST_OPEN,
                              THEMES, UPDATE_FOLLOWUP, UPDATE_NOTE, ContactRequest, Initiative, InitiativeFollower,
                              InitiativeUpdate, NetworkProfile, NetworkProfileTheme)

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
INTRODUCTIONS = [
    "Ik woon al twintig jaar in de wijk en ken veel mensen. Ik denk graag mee over plannen, liefst vroeg.",
    "Als professional zoek ik bewoners die willen meedenken. Bel- of koffieafspraak? Altijd welkom.",
    "Sinds de leergang werk ik anders: eerst luisteren, dan pas plannen maken. Ik deel graag wat ik leerde.",
    "Ik ben nieuw in Groningen-Noord en wil mensen leren kennen die zich voor hun buurt inzetten.",
    "Ik werk bij een woningcorporatie en verbind graag bewoners met elkaar en met ons.",
    "Ik ben vrijwilliger in het buurthuis. Zoek je een ruimte of een paar handen? Laat het weten.",
]
INITIATIVE_TITLES = [
    ("Buurtmoestuin achter de flat", "samenlevingsopbouw"),
    ("Energiecafé in het buurthuis", "energietransitie"),
    ("Bewonerspanel voor de vernieuwing van het plein", "bewonersparticipatie"),
    ("Ommetjesroute voor ouderen", "ruimtelijke kwaliteit"),
    ("Koffieochtend voor nieuwe buren", "samenlevingsopbouw"),
    ("Wijkbudget: bewoners beslissen mee", "financiering"),
    ("Signalen van ondermijning bespreekbaar maken", "ondermijning"),
    ("Jongeren ontwerpen hun eigen hangplek", "bewonersparticipatie"),
    ("Warmtescan voor de portiekflats", "energietransitie"),
    ("Keukentafelgesprekken in de straat", "gesprekstechniek"),
    ("Pitch voor de wijkraad: meer groen", "presentatievaardigheden"),
    ("Samenwerkingsafspraken tussen corporatie en bewoners", "governance"),
    ("Wijkwandeling met kinderen", "gebiedsgericht werken"),
    ("Klussenbank voor huurders", "samenlevingsopbouw"),
]
UPDATES = [
    "Eerste bijeenkomst gehouden: twaalf buren kwamen langs en vijf willen meedoen.",
    "We hebben een plek gevonden en toestemming van de corporatie gekregen.",
    "Het ging trager dan gehoopt, maar de gemeente denkt nu mee.",
    "Subsidie aangevraagd bij het wijkbudget; we horen over zes weken meer.",
    "Afgerond met een feestelijke middag. Dank aan iedereen die hielp!",
]
MESSAGES = [
    "Hoi, ik zag dat je met energietransitie bezig bent. Wij starten iets vergelijkbaars; zullen we een keer koffie drinken?",
    "Ik werk in dezelfde wijk en zoek iemand die bewoners kent. Heb je zin om even te bellen of af te spreken?",
    "Leuk initiatief! Ik heb ervaring met subsidies aanvragen en help graag een handje.",
    "We zaten in verschillende groepen van de leergang, maar werken aan hetzelfde. Zullen we kennis maken?",
]
REPLIES = [
    "Leuk dat je contact zoekt! Mail me gerust, dan prikken we een moment.",
    "Graag! Volgende week heb ik tijd, stuur me maar een mailtje.",
]


def _profile(rng: random.Random, user: User, now: datetime, themes: list[str] | None = None, **fields) -> NetworkProfile:
    chosen = themes or rng.sample(THEMES, rng.randint(1, 3))
    profile = NetworkProfile(
        user_id=user.id, opted_in=True, opted_in_at=now - timedelta(days=rng.randint(5, 600)),
        display_name=fields.pop("display_name", user.name),
        show_organisation=fields.pop("show_organisation", user.organisation_id is not None and rng.random() < .8),
        show_kind=fields.pop("show_kind", rng.random() < .9),
        show_participation=fields.pop("show_participation", rng.random() < .75),
        neighbourhood=fields.pop("neighbourhood", user.neighbourhood or rng.choice(
            ["Selwerd", "Paddepoel", "Vinkhuizen", "Indische buurt", "De Hoogte", "Korrewegwijk", "Oosterparkwijk"])),
        tags=fields.pop("tags", ", ".join(rng.sample(TAGS, rng.randint(0, 3)))),
        working_on=fields.pop("working_on", rng.choice(WORKING_ON) if rng.random() < .7 else ""),
        introduction=fields.pop("introduction", rng.choice(INTRODUCTIONS)),
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
    for progress in plans:
        if progress.action_plan_at is None:
            progress.action_plan_at = progress.studied_at or (now - timedelta(days=30))
        old = progress.action_plan_at < now - timedelta(days=100)
        if old and progress.followup_sent_at is None:
            if trainee is not None and progress.user_id == trainee.id and trainee_due is None:
                trainee_due = progress
                continue
            progress.followup_sent_at = progress.action_plan_at + timedelta(days=92)
        if progress.action_outcome and progress.action_outcome_at is None:
            progress.action_outcome_at = (progress.followup_sent_at or progress.action_plan_at) + timedelta(days=4)

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
    for index, user_id in enumerate(authors[:len(INITIATIVE_TITLES)]):
        title, theme = INITIATIVE_TITLES[index]
        progress = by_user[user_id][-1]
        module = modules.get(progress.module_id)
        status = rng.choice(["idee", "bezig", "bezig", "klaar", "gestopt"])
        created = (progress.action_plan_at or now) + timedelta(days=rng.randint(1, 20))
        initiative = Initiative(author_id=user_id, progress_id=progress.id, title=title,
                                neighbourhood=profiles[user_id].neighbourhood,
                                theme=theme if rng.random() < .8 or module is None else module.theme.lower(),
                                status=status, summary=progress.action_plan, created_at=created,
                                updated_at=created)
        db.session.add(initiative)
        count = {"idee": 0, "bezig": rng.randint(1, 2), "klaar": 3, "gestopt": 1}[status]
        for n in range(count):
            at = created + timedelta(days=30 * (n + 1))
            last = n == count - 1
            body = UPDATES[4] if status == "klaar" and last else (
                "We stoppen ermee: te weinig tijd naast het werk. Misschien later opnieuw." if status == "gestopt"
                else UPDATES[n % 4])
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
                                                  created_at=initiative.created_at + timedelta(days=3)))
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
            message=rng.choice(MESSAGES), status=status, created_at=at,
            reply=rng.choice(REPLIES) if status == REQUEST_ANSWERED else "",
            answered_at=at + timedelta(days=1) if status == REQUEST_ANSWERED else None,
            declined_at=at + timedelta(days=2) if status == REQUEST_DECLINED else None))
    db.session.flush()
