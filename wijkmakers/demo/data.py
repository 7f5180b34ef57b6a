"""A deterministic demo academy, built from the facts in the municipality's reports.

Copy 0 is the academy itself (35 leergang graduates, 40 board members, 24 partners, a monthly walk
2022-2024 with 8-16 walkers each and over 200 different walkers). ``scale`` adds further copies
(parallel groups, more people and activities) for benchmarks.
"""
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text

from ..activities.models import (KIND_LECTURE, KIND_MASTERCLASS, KIND_PARTNER_MEETING, KIND_SESSION,
                                 KIND_THEME_MEETING, KIND_WALK, KIND_WORKSHOP, REG_CONFIRMED, REG_WAITLISTED, Activity,
                                 ActivityGuide, ActivitySeries, Attendance, Registration, RegistrationEvent)
from ..auth.models import KIND_PROFESSIONAL, KIND_RESIDENT, User, UserRole
from ..auth.services import hash_password
from ..certificates.models import CERT_PROGRAMME, Certificate
from ..core.timeutil import utcnow
from ..extensions import db
from ..learning.content import sync_modules
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN, KIND_BESTUURDERS,
                               KIND_LEERGANG, KIND_PARTICIPATIE, KIND_TRAINEESHIP, PROGRAMME_BESTUURDERS, PROGRAMME_LEERGANG, PROGRAMME_PARTICIPATIE,
                               PROGRAMME_TRAINEESHIP, PROGRESS_STUDIED, Cohort, Enrolment, Module,
                               ModuleProgress, Phase, Placement, Programme, ProgrammeModule)
from ..organisations.models import Organisation
from .activities import load_demo_activities
from .certificates import load_demo_certificates
from .dates import (THURSDAY, TUESDAY, activity_day, add_months, add_teaching_months, at, done_by, local_date,
                    month_end, spread_sessions, teaching_months_back, within_days)
from .learning import load_demo_learning
from .network import load_demo_network
from .partners import load_demo_partners
from .texts import ACTION_OUTCOMES, ACTION_PLANS, REFLECTION_CLOSINGS, REFLECTIONS

DEMO_PASSWORD = "wijkmakers-demo"  # noqa: S105 - published in the README, demo only
DEMO_DOMAIN = "wijkmakers.example"

FIRST = ["Anouk", "Bram", "Chantal", "Daan", "Esther", "Fleur", "Gerrit", "Hanneke", "Ilse", "Jeroen",
         "Karin", "Lars", "Mariska", "Niels", "Olga", "Pieter", "Rianne", "Sander", "Tamara", "Uko",
         "Vera", "Wouter", "Yasmina", "Zeynep", "Ahmed", "Bouchra", "Cor", "Dewi", "Elif", "Frank",
         "Grietje", "Harm", "Imane", "Jelle", "Kees", "Linda", "Mohamed", "Nadia", "Oscar", "Petra",
         "Roel", "Samira", "Tjeerd", "Ursula", "Vincent", "Wietske", "Youssef", "Zoë"]
LAST = ["de Vries", "Bakker", "Jansen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
        "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dijkstra", "Hoekstra", "Kuiper", "Postma",
        "Veenstra", "Wiersma", "Huisman", "Boersma", "El Idrissi", "Yilmaz", "Kramer", "Zijlstra",
        "Brouwer", "Kok", "Schuurman", "Oosterhof", "Doornbos", "Nijboer", "Bouma", "Tuinstra"]

PARTNERS = [  # (name, type, year joined)
    ("Woonstichting Noorderhuis", "woningcorporatie", 2021), ("Lefier Noord Wonen", "woningcorporatie", 2021),
    ("Corporatie De Eendracht", "woningcorporatie", 2022), ("Welzijn in de Wijk Groningen", "welzijn", 2021),
    ("Stichting Buurtkracht", "welzijn", 2021), ("WIJ-team Noord", "welzijn", 2022),
    ("GGZ Hunzedal", "ggz", 2022), ("Lentis Wijkzorg (demo)", "ggz", 2023),
    ("Politie Basisteam Groningen-Noord", "politie", 2021), ("Bewonersorganisatie Selwerd", "bewonersorganisatie", 2021),
    ("Bewonersraad Vinkhuizen", "bewonersorganisatie", 2021), ("Wijkraad Paddepoel", "bewonersorganisatie", 2022),
    ("Buurtvereniging De Hoogte", "bewonersorganisatie", 2023), ("Gemeente Groningen, directie Wijkvernieuwing", "gemeente", 2021),
    ("Gemeente Groningen, gebiedsteam Noord", "gemeente", 2021), ("Energiecoöperatie Noordenwind", "energiecooperatie", 2022),
    ("Paddepoel Energie", "energiecooperatie", 2023), ("Noorderpoort-achtig MBO College (demo)", "onderwijs", 2022),
    ("Hanzehogeschool-achtig Kenniscentrum (demo)", "onderwijs", 2022), ("Rijksuniversiteit-achtig Wijklab (demo)", "onderwijs", 2023),
    ("Wijkbedrijf Selwerd Werkt", "wijkbedrijf", 2023), ("Wijkbedrijf Vinkhuizen", "wijkbedrijf", 2024),
    ("Stichting Oosterparkwijk Samen", "welzijn", 2024), ("Huurdersvereniging Korrewegwijk", "bewonersorganisatie", 2024),
]
NON_PARTNERS = [("Bibliotheek Noord (demo)", "overig"), ("Sportvereniging Beijum", "overig"),
                ("Zorgcentrum Lewenborg", "overig"), ("Architectenbureau Stadskern", "overig"),
                ("Kerkgemeenschap Tuinwijk", "overig"), ("Adviesbureau Gebiedskracht", "overig")]

WALK_THEMES = ["Groen en spelen", "Ontmoeten op straat", "Wonen en vernieuwen", "Energie in de buurt",
               "Veiligheid en vertrouwen", "Voorzieningen dichtbij", "Ouder worden in de wijk",
               "Jongeren en de openbare ruimte", "Geschiedenis van de wijk", "Werk en wijkbedrijven",
               "Klimaat en water", "Cultuur en kunst", "Gezondheid en bewegen", "Samen eten",
               "Verkeer en ommetjes", "Nieuwkomers welkom", "Buurthuizen en initiatieven", "Schoon en heel"]
NORTH = ["Vinkhuizen", "Paddepoel", "Selwerd", "Tuinwijk", "Indische buurt", "De Hoogte",
         "Professorenbuurt", "Oosterparkwijk", "Korrewegwijk", "Beijum", "Lewenborg"]
MEETING_POINTS = {"Vinkhuizen": "Winkelcentrum Vinkhuizen, bij de bibliotheek", "Paddepoel": "Winkelcentrum Paddepoel, hoofdingang",
                  "Selwerd": "Buurthuis Selwerd, Eikenlaan", "Tuinwijk": "Speeltuin Tuinwijk",
                  "Indische buurt": "Floresplein", "De Hoogte": "Wijkcentrum De Hoogte",
                  "Professorenbuurt": "Hoek Nassaulaan", "Oosterparkwijk": "Wijkcentrum Oosterparkwijk",
                  "Korrewegwijk": "Molukkenplein", "Beijum": "Winkelcentrum Beijum", "Lewenborg": "Het Dorpsplein"}
OTHER_TOPICS = {
    KIND_MASTERCLASS: ["Gebiedsontwikkeling en exploitatie", "Wijkeconomie en sociale ondernemers",
                       "Data en wijkmonitoring", "Warmtetransitie per buurt"],
    KIND_WORKSHOP: ["Omgaan met weerstand bij bewonersavonden", "Presenteren voor de wijkraad", "Subsidie aanvragen voor bewonersinitiatieven",
                    "Signalen van ondermijning herkennen", "Participatie in een ontwerptraject"],
    KIND_LECTURE: ["Bewonersbetrokkenheid en zelfregie", "Wat werkt in wijkvernieuwing", "Kansengelijkheid in Groningen-Noord",
                   "De wijk als leeromgeving"],
    KIND_THEME_MEETING: ["Themabijeenkomst armoede en schulden", "Themabijeenkomst eenzaamheid",
                         "Themabijeenkomst wonen en zorg", "Themabijeenkomst jongeren"],
    KIND_PARTNER_MEETING: ["Partnerbijeenkomst Maatschappelijke Coalitie"],
}
LOCATIONS = ["Wijkcentrum De Dialoog, Paddepoel", "Forum Groningen, zaal 3", "Buurthuis Selwerd",
             "Het Floreshuis, Indische buurt", "Stadhuis Groningen, raadzaal", "Wijkcentrum Vinkhuizen"]
WALK_NOTES = "Ongeveer 4 kilometer, rolstoeltoegankelijk. Trek schoenen aan die tegen een stootje kunnen."
# What each demo login finds, on whatever day the demo is loaded (the README's table says the same).
LOGIN_STORIES = {
    "deelnemer": "bewoner van Selwerd in de lopende groep van de Leergang Wijkontwikkeling",
    "trainee": "trainee in de lopende groep van het traineeship, in de tweede fase",
    "mentor": "trajectmentor van de trainee en van twee andere trainees",
    "begeleider": "begeleidt een wandeling in de komende drie dagen en neemt de aanwezigheid op",
    "organisator": "plant activiteiten en groepen; een wandeling onder het minimum wacht op een besluit",
    "partner": "partnercontact van Woonstichting Noorderhuis; stagebegeleider van de trainee",
    "partner2": "partnercontact van Welzijn in de Wijk Groningen",
    "coordinator": "cijfers, exports en partners",
    "beheerder": "gebruikers en rollen",
}


@dataclass
class DemoLogin:
    email: str
    role: str
    description: str


@dataclass
class Summary:
    organisations: int = 0
    users: int = 0
    activities: int = 0
    attendance: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


class Builder:
    def __init__(self, rng: random.Random, copy: int, modules: dict[str, Module], programmes: dict[str, Programme],
                 now: datetime):
        self.rng = rng
        self.copy = copy
        self.suffix = "" if copy == 0 else f" (groep {copy + 1})"
        self.modules = modules
        self.programmes = programmes
        self.now = now
        self.today = local_date(now)
        self.person_seq = 0
        self.users: list[User] = []

    # -- people ---------------------------------------------------------------
    def person(self, kind: str, organisation: Organisation | None = None, roles=("deelnemer",),
               neighbourhood: str | None = None, name: str | None = None, email: str | None = None) -> User:
        self.person_seq += 1
        name = name or f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        if email is None:
            local = name.lower().replace(" ", ".").replace("ë", "e").replace("ï", "i")
            email = f"{local}.{self.copy}.{self.person_seq}@{DEMO_DOMAIN}"
        user = User(email=email, name=name, kind=kind, organisation=organisation,
                    organisation_id=organisation.id if organisation else None,
                    neighbourhood=neighbourhood or (self.rng.choice(NORTH) if kind == KIND_RESIDENT else None),
                    job_title=None if kind == KIND_RESIDENT else self.rng.choice(
                        ["wijkwerker", "opbouwwerker", "wijkagent", "beleidsadviseur", "projectleider",
                         "huismeester", "gebiedsregisseur", "docent", "bestuurder", "consulent"]),
                    created_at=datetime(2021, 6, 1), email_confirmed_at=datetime(2021, 6, 1))
        user.roles = [UserRole(role=r) for r in roles]
        db.session.add(user)
        self.users.append(user)
        return user

    # -- activities -----------------------------------------------------------
    def activity(self, kind: str, title: str, starts_at: datetime, hours: float, capacity: int, **fields) -> Activity:
        """An activity starting at ``starts_at`` (naive UTC), planned about forty days ahead (never after now)."""
        planned = starts_at - timedelta(days=40)
        if planned >= self.now:
            planned = self.now - timedelta(days=self.rng.randint(1, 20), hours=self.rng.randint(1, 9))
        activity = Activity(kind=kind, title=title + self.suffix, starts_at=starts_at,
                            ends_at=starts_at + timedelta(hours=hours), capacity=capacity,
                            signup_deadline=starts_at - timedelta(days=1), created_at=planned, **fields)
        db.session.add(activity)
        return activity

    def signed_up_at(self, starts_at: datetime) -> datetime:
        """When someone signed up: days or weeks before the start, and before now."""
        moment = starts_at - timedelta(days=self.rng.randint(3, 30), hours=self.rng.randint(0, 10))
        if moment >= self.now:
            moment = self.now - timedelta(days=self.rng.randint(0, 12), hours=self.rng.randint(1, 20))
        return moment

    def attend(self, activity: Activity, people: list[User], present_share: float = 0.92,
               all_present: bool = False) -> list[User]:
        """Register ``people`` (confirmed) and, if the activity is over, record attendance."""
        over = activity.ends_at <= self.now
        present = []
        db.session.flush()  # events below refer to the activity and people by id
        for person in people[: activity.capacity - activity.seats_taken]:
            reg_at = self.signed_up_at(activity.starts_at)
            db.session.add(Registration(activity=activity, user=person, status=REG_CONFIRMED, active=True,
                                        organisation_id=person.organisation_id,
                                        created_at=reg_at, updated_at=reg_at))
            db.session.add(RegistrationEvent(activity_id=activity.id, user_id=person.id, event="geregistreerd", at=reg_at))
            activity.seats_taken += 1
            if over:
                is_present = all_present or self.rng.random() < present_share
                db.session.add(Attendance(activity=activity, user=person, present=is_present,
                                          checked_in_at=activity.starts_at if is_present else None,
                                          organisation_id=person.organisation_id,
                                          participant_kind=person.kind, updated_at=activity.ends_at))
                db.session.add(RegistrationEvent(activity_id=activity.id, user_id=person.id,
                                                 event="aanwezig" if is_present else "afwezig", at=activity.ends_at))
                if is_present:
                    present.append(person)
        return present

    def wait(self, activity: Activity, people: list[User]) -> None:
        """Put ``people`` on the waiting list of a full activity, after the seats were taken."""
        for position, person in enumerate(people, start=1):
            moment = self.now - timedelta(hours=self.rng.randint(2, 60))
            db.session.add(Registration(activity=activity, user=person, status=REG_WAITLISTED, active=True,
                                        waitlist_position=position, organisation_id=person.organisation_id,
                                        created_at=moment, updated_at=moment))
            db.session.add(RegistrationEvent(activity_id=activity.id, user_id=person.id, event="wachtlijst",
                                             at=moment))

    # -- what people write ----------------------------------------------------------
    def written(self, templates: list[str], used: set[str], hood: str | None) -> str:
        """One of ``templates`` about ``hood`` (the writer's own neighbourhood; another one when every text
        about it is taken) that nobody in the group wrote yet (``used``)."""
        order = self.rng.sample(templates, len(templates))
        for place in ([hood] if hood else []) + self.rng.sample(NORTH, len(NORTH)):
            for template in order:
                text = template.format(buurt=place)
                if text not in used:
                    used.add(text)
                    return text
        return text

    def texts(self, pool: list[str]) -> Iterator[str]:
        """The texts of ``pool`` in a shuffled order: one group never repeats one until the pool runs out."""
        options = self.rng.sample(pool, len(pool))
        return itertools.cycle(options)


KINDS = {PROGRAMME_LEERGANG: KIND_LEERGANG, PROGRAMME_BESTUURDERS: KIND_BESTUURDERS,
         PROGRAMME_PARTICIPATIE: KIND_PARTICIPATIE, PROGRAMME_TRAINEESHIP: KIND_TRAINEESHIP}


def ensure_programmes(modules: dict[str, Module]) -> dict[str, Programme]:
    """The four programmes of the academy, linked to the module texts."""
    by_order = sorted(modules.values(), key=lambda m: m.position)
    specs = [
        (PROGRAMME_LEERGANG, "Leergang Wijkontwikkeling", 10, True, 80,
         "Tien modules over wijkvernieuwing, voor bewoners en professionals samen. Eén groep per seizoen.",
         [m.slug for m in by_order]),
        (PROGRAMME_BESTUURDERS, "Bestuurdersleergang", 6, True, 75,
         "Leergang op maat voor bestuurders van de partners in de Maatschappelijke Coalitie.",
         ["gebiedsgericht-werken", "governance", "financiering", "ruimtelijke-kwaliteit"]),
        (PROGRAMME_PARTICIPATIE, "Leergang Participatie", 4, True, 80,
         "Thematische leergang over bewonersparticipatie en samenlevingsopbouw.",
         ["bewonersparticipatie", "samenlevingsopbouw", "gesprekstechniek"]),
        (PROGRAMME_TRAINEESHIP, "Traineeship Wijkvernieuwer", 24, True, 80,
         "Tweejarig traject dat jonge mensen opleidt tot wijkvernieuwer, met stages bij partners.",
         [m.slug for m in by_order]),
    ]
    programmes = {}
    for slug, name, months, all_modules, pct, description, module_slugs in specs:
        programme = Programme(slug=slug, name=name, kind=KINDS[slug], duration_months=months,
                              require_all_modules=all_modules, min_attendance_pct=pct, description=description)
        db.session.add(programme)
        phases = {}
        if slug == PROGRAMME_TRAINEESHIP:
            titles = ["Oriëntatie op de wijk", "Verdieping en eerste project", "Eigen wijkproject", "Borgen en overdragen"]
            for number, title in enumerate(titles, start=1):
                phases[number] = Phase(programme=programme, number=number, title=title,
                                       description=f"Halfjaar {number} van het traineeship.")
        for position, module_slug in enumerate(module_slugs, start=1):
            if module_slug not in modules:
                continue
            phase = phases.get(min(4, 1 + (position - 1) * 4 // len(module_slugs))) if phases else None
            db.session.add(ProgrammeModule(programme=programme, module=modules[module_slug], position=position,
                                           phase=phase))
        programmes[slug] = programme
    db.session.flush()
    return programmes


def build_copy(b: Builder, summary: Summary) -> None:
    rng = b.rng
    # Organisations -------------------------------------------------------------
    partners = []
    for name, type_, year in PARTNERS:
        org = Organisation(name=name + b.suffix, type=type_,
                           partner_since=date(year, rng.choice([1, 3, 6, 9]), 1),
                           partner_until=date(2025, 12, 31) if name.startswith("Corporatie De Eendracht") else None)
        db.session.add(org)
        partners.append(org)
    others = [Organisation(name=name + b.suffix, type=type_) for name, type_ in NON_PARTNERS]
    db.session.add_all(others)
    db.session.flush()  # people below record their organisation's id
    summary.organisations += len(partners) + len(others)

    def professional(roles=("deelnemer",)):
        return b.person(KIND_PROFESSIONAL, rng.choice(partners if rng.random() < .8 else others), roles)

    def resident(roles=("deelnemer",)):
        org = rng.choice([o for o in partners if o.type == "bewonersorganisatie"]) if rng.random() < .25 else None
        return b.person(KIND_RESIDENT, org, roles)

    logins = _demo_logins(b, partners, summary) if b.copy == 0 else {}

    # Guides: a pool of residents and professionals; walks pair one of each ------------
    resident_guides = [resident(("begeleider", "deelnemer")) for _ in range(4)]
    professional_guides = [professional(("begeleider", "deelnemer")) for _ in range(4)]
    if "begeleider" in logins:
        resident_guides[0] = logins["begeleider"]
    walkers = [resident() if i % 3 else professional() for i in range(240)]
    rng.shuffle(walkers)
    _walks(b, walkers, resident_guides, professional_guides, logins.get("begeleider"), summary)

    professionals = [professional() for _ in range(80)]
    _one_day_activities(b, professionals, partners, walkers, summary)

    # Courses ---------------------------------------------------------------------------------
    def fresh_members(n, share_residents=.4):
        return [resident() if rng.random() < share_residents else professional() for _ in range(n)]

    # Leergang Wijkontwikkeling: 12 + 12 + 11 = 35 completed, and the group that runs now.
    for name, y, completers, size in (("2021-2022", 2021, 12, 14), ("2022-2023", 2022, 12, 15), ("2023-2024", 2023, 11, 13)):
        _run_cohort(b, PROGRAMME_LEERGANG, date(y, 9, 1), date(y + 1, 6, 30), fresh_members(size), completers,
                    size - completers, name=name)
    current_members = fresh_members(13)
    if "deelnemer" in logins:
        current_members.insert(0, logins["deelnemer"])
    starts = teaching_months_back(b.today, 5)  # this is its fifth teaching month: 4 or 5 sessions held
    ends = month_end(add_teaching_months(starts, 9))
    _run_cohort(b, PROGRAMME_LEERGANG, starts, ends, current_members, 0, 0, current=True)
    # Bestuurdersleergang: 40 board members in two groups.
    for name, y in (("2022", 2022), ("2023", 2023)):
        board = [b.person(KIND_PROFESSIONAL, rng.choice(partners), neighbourhood=None) for _ in range(20)]
        for person in board:
            person.job_title = "bestuurder"
        _run_cohort(b, PROGRAMME_BESTUURDERS, date(y, 2, 1), date(y, 7, 31), board, 20, 0, name=name,
                    weekday=THURSDAY, hour=16)
    _run_cohort(b, PROGRAMME_PARTICIPATIE, date(2024, 2, 1), date(2024, 6, 30), fresh_members(15, .6), 13, 2,
                name="2024")
    # Traineeship: two-year tracks with placements and mentors at partners; the current one is in its
    # second half-year.
    mentors = [professional() for _ in range(4)]
    if "mentor" in logins:
        mentors[0] = logins["mentor"]  # the trainee's mentor, and of the next two trainees of that group
    # Two years from the first of a month nine or ten months back: always over three calendar years, so
    # its name ("2026-2028") never equals a leergang group's.
    track_start = add_months(b.today, -10 if b.today.month == 10 else -9)
    for starts, ends, current in ((date(2023, 9, 1), date(2025, 6, 30), False),
                                  (track_start, month_end(add_months(track_start, 23)), True)):
        trainees = [b.person(KIND_PROFESSIONAL, None) for _ in range(5)]
        if current and "trainee" in logins:
            trainees.insert(0, logins["trainee"])
        cohort, enrolments = _run_cohort(b, PROGRAMME_TRAINEESHIP, starts, ends, trainees, 0 if current else 4,
                                         0 if current else 1, current=current, weekday=THURSDAY)
        for number, enrolment in enumerate(enrolments):
            enrolment.mentor = mentors[0] if current and number < 3 else rng.choice(mentors[1:])
            for phase in b.programmes[PROGRAMME_TRAINEESHIP].phases:
                phase_end = starts + timedelta(days=182 * phase.number)
                db.session.add(Placement(enrolment=enrolment, phase=phase, organisation=rng.choice(partners),
                                         mentor=enrolment.mentor,
                                         description=f"Stage in fase {phase.number}: meewerken aan een wijkproject.",
                                         completed_at=at(phase_end, 12)
                                         if phase_end < b.today and enrolment.status != ENROLMENT_WITHDRAWN else None))
    summary.users += len(b.users)


def _demo_logins(b: Builder, partners: list[Organisation], summary: Summary) -> dict[str, User]:
    """The accounts of the README's table (copy 0 only), all with the published demo password."""
    noorderhuis, selwerd_bo = partners[0], partners[9]
    specs = [
        ("deelnemer", KIND_RESIDENT, selwerd_bo, ("deelnemer",), "Sanne de Vries", "Selwerd"),
        ("trainee", KIND_PROFESSIONAL, None, ("deelnemer",), "Milan Hoekstra", "Paddepoel"),
        ("mentor", KIND_PROFESSIONAL, partners[4], ("deelnemer",), "Dewi Bos", None),
        ("begeleider", KIND_RESIDENT, None, ("begeleider", "deelnemer"), "Henk Bos", "Vinkhuizen"),
        ("organisator", KIND_PROFESSIONAL, partners[13], ("organisator",), "Fatima El Amrani", None),
        ("partner", KIND_PROFESSIONAL, noorderhuis, ("partnercontact",), "Joost Wiersma", None),
        ("partner2", KIND_PROFESSIONAL, partners[3], ("partnercontact",), "Ingrid Veenstra", None),
        ("coordinator", KIND_PROFESSIONAL, partners[13], ("coordinator",), "Marleen Kuiper", None),
        ("beheerder", KIND_PROFESSIONAL, partners[13], ("beheerder",), "Ruben Dijkstra", None),
    ]
    password_hash = hash_password(DEMO_PASSWORD)
    logins = {}
    for key, kind, org, roles, name, hood in specs:
        email = f"{key}@{DEMO_DOMAIN}"
        user = b.person(kind, org, roles, neighbourhood=hood, name=name, email=email)
        user.password_hash = password_hash
        logins[key] = user
        summary.logins.append(DemoLogin(email, roles[0], LOGIN_STORIES[key]))
    return logins


def _walks(b: Builder, walkers: list[User], resident_guides: list[User], professional_guides: list[User],
           guide: User | None, summary: Summary) -> None:
    """The monthly walk from January 2022 to three months ahead, each led by a duo. Past walks have 8-16
    present; a core of regulars comes back several times a year. Copy 0 also has the demo guide's walk in
    the next three days (five sign-ups, under its minimum of eight) and, after it, a full walk with a
    waiting list."""
    rng = b.rng
    regulars, others = walkers[:20], walkers[20:]
    cursor = 0
    series = ActivitySeries(kind=KIND_WALK, title="Maandelijkse wijkwandeling" + b.suffix)
    db.session.add(series)
    guide_start = within_days(b.now) if guide is not None else None
    guide_walk, upcoming = None, []

    def walk(start: datetime, index: int) -> Activity:
        hood, theme = NORTH[index % len(NORTH)], WALK_THEMES[index % len(WALK_THEMES)]
        activity = b.activity(KIND_WALK, f"Wijkwandeling {hood}: {theme.lower()}", start, 2, 16,
                              theme=theme, neighbourhood=hood, meeting_point=MEETING_POINTS[hood],
                              min_participants=8, series=series, practical_notes=WALK_NOTES,
                              description=f"Een wandeling door {hood} over {theme.lower()}, met een bewoner en "
                                          "een professional als gids.")
        activity.guides = [ActivityGuide(user=rng.choice(resident_guides)),
                           ActivityGuide(user=rng.choice(professional_guides))]
        summary.activities += 1
        return activity

    month, index = date(2022, 1, 1), 0
    while month <= add_months(b.today, 3):
        day = activity_day(month.replace(day=10 + rng.randint(0, 14)))
        start = at(day, 14 if month.month in (10, 11, 12, 1, 2, 3) else 19)
        if guide_start is not None and guide_walk is None and abs(start - guide_start) < timedelta(days=7):
            start = guide_start  # this month's walk is the one of the coming days
        activity = walk(start, index)
        index += 1
        month = add_months(month, 1)
        if start == guide_start:
            guide_walk = activity
        elif activity.ends_at <= b.now:
            want_present = rng.randint(8, 16)
            people = rng.sample(regulars, rng.randint(2, 5))
            while len(people) < min(16, want_present + rng.randint(0, 2)):
                person = others[cursor % len(others)]
                cursor += 1
                if person not in people:
                    people.append(person)
            # exactly ``want_present`` attend; any others registered are no-shows
            b.attend(activity, people[:want_present], all_present=True)
            b.attend(activity, people[want_present:], present_share=0.0)
        else:
            upcoming.append(activity)
            soon = activity.starts_at <= b.now + timedelta(days=45)
            b.attend(activity, rng.sample(walkers, rng.randint(8, 13) if soon else rng.randint(2, 6)))
    if guide is None:
        return
    if guide_walk is None:
        guide_walk = walk(guide_start, index)
    guide_walk.guides[0].user = guide
    b.attend(guide_walk, rng.sample(walkers, 5))
    full = next((w for w in upcoming if w.starts_at > guide_walk.starts_at), None)
    if full is not None:
        db.session.flush()
        taken = {r.user_id for r in db.session.scalars(select(Registration).where(Registration.activity_id == full.id))}
        free = [w for w in walkers if w.id not in taken]
        seats = full.capacity - full.seats_taken
        b.attend(full, free[:seats])
        b.wait(full, free[seats:seats + 3])


def _one_day_activities(b: Builder, professionals: list[User], partners: list[Organisation], walkers: list[User],
                        summary: Summary) -> None:
    """Masterclasses, workshops, lectures, theme and partner meetings each year from 2022 to four months
    ahead; copy 0 also has a masterclass next week with a few seats left and a full workshop."""
    rng = b.rng
    audience = professionals + walkers[:120]
    horizon = b.now + timedelta(days=120)
    for year in range(2022, b.today.year + 2):
        plan = [(KIND_MASTERCLASS, 3, 30), (KIND_WORKSHOP, 4, 25), (KIND_LECTURE, 4, 60),
                (KIND_THEME_MEETING, 3, 40), (KIND_PARTNER_MEETING, 4, 50)]
        for kind, count, capacity in plan:
            for i in range(count):
                month = 2 + i * (10 // count) + rng.randint(0, 1)
                day = activity_day(date(year, month, rng.randint(3, 25)), saturday=False)
                start = at(day, rng.choice([10, 13, 19]), 30)
                if start > horizon:
                    continue
                topic = OTHER_TOPICS[kind][(i + year) % len(OTHER_TOPICS[kind])]
                title = topic if kind in (KIND_PARTNER_MEETING, KIND_THEME_MEETING) else f"{kind.capitalize()}: {topic}"
                if kind == KIND_PARTNER_MEETING:
                    title = f"{topic} {i + 1}/{year}"
                activity = b.activity(kind, title, start, 3 if kind != KIND_MASTERCLASS else 6, capacity,
                                      theme=topic, location=rng.choice(LOCATIONS),
                                      speakers=f"{rng.choice(FIRST)} {rng.choice(LAST)}" if kind != KIND_PARTNER_MEETING else None,
                                      description=f"{topic}: verdieping voor bewoners en professionals.")
                pool = [p for p in professionals if p.organisation in partners] if kind == KIND_PARTNER_MEETING else audience
                b.attend(activity, rng.sample(pool, min(len(pool), rng.randint(capacity // 2, capacity - 2))))
                summary.activities += 1
    if b.copy:
        return
    upcoming = b.activity(KIND_MASTERCLASS, "Masterclass: Gebiedsontwikkeling en exploitatie",
                          at(activity_day(b.today + timedelta(days=7), saturday=False), 13, 30), 5, 20,
                          theme="Gebiedsontwikkeling en exploitatie", location="Forum Groningen, zaal 3",
                          speakers="Karin Postma en Harm Bouma")
    b.attend(upcoming, rng.sample(audience, 17))
    full = b.activity(KIND_WORKSHOP, "Workshop: Het keukentafelgesprek",
                      at(activity_day(b.today + timedelta(days=11), saturday=False), 19, 30), 2.5, 16,
                      theme="Gesprekstechniek", location="Buurthuis Selwerd", speakers="Tamara Smit")
    people = rng.sample(walkers, 18)
    b.attend(full, people[:16])
    b.wait(full, people[16:])
    summary.activities += 2


def _run_cohort(b: Builder, programme_slug: str, starts: date, ends: date, members: list[User], completers: int,
                withdrawn: int, current: bool = False, name: str | None = None, weekday: int = TUESDAY,
                hour: int = 13) -> tuple[Cohort, list[Enrolment]]:
    """A group of a programme with one session per module on ``weekday``; its members study a module after
    its session and write a reflection and an action plan, different from everyone else's in the group."""
    rng = b.rng
    programme = b.programmes[programme_slug]
    name = name or (f"{starts.year}-{ends.year}" if starts.year != ends.year else str(starts.year))
    cohort = Cohort(programme=programme, name=name + b.suffix, starts_on=starts, ends_on=ends,
                    capacity=max(16, len(members)), open_for_requests=current, created_at=at(starts, 9) - timedelta(days=60))
    db.session.add(cohort)
    links = programme.modules
    sessions = [b.activity(KIND_SESSION, f"{programme.name}: {link.module.title}", at(day, hour, 30), 3.5,
                           max(16, len(members)), cohort=cohort, module=link.module, theme=link.module.theme,
                           location=rng.choice(LOCATIONS))
                for link, day in zip(links, spread_sessions(starts, ends, len(links), weekday), strict=True)]
    enrolments = []
    for i, person in enumerate(members):
        status = ENROLMENT_ACTIVE if current else (
            ENROLMENT_COMPLETED if i < completers else ENROLMENT_WITHDRAWN if i < completers + withdrawn
            else ENROLMENT_ACTIVE)
        enrolment = Enrolment(user=person, cohort=cohort, status=status, organisation_id=person.organisation_id,
                              created_at=at(starts, 10) - timedelta(days=30),
                              completed_at=at(ends, 16) if status == ENROLMENT_COMPLETED else None,
                              withdrawn_at=at(starts, 10) + timedelta(days=60) if status == ENROLMENT_WITHDRAWN else None)
        db.session.add(enrolment)
        enrolments.append(enrolment)
    for index, session in enumerate(sessions):
        attendees = [e.user for e in enrolments if not (e.status == ENROLMENT_WITHDRAWN and index > 2)]
        # completers miss at most one session, so they stay at 90% or more
        b.attend(session, attendees, present_share=0.9 if current else 0.95)
    held = sum(1 for s in sessions if s.ends_at <= b.now)
    reflections = {link.module.slug: b.texts([f"{r} {c}" for r in REFLECTIONS[link.module.slug]
                                              for c in REFLECTION_CLOSINGS]) for link in links}
    used: dict[str, set[str]] = {}
    for enrolment in enrolments:
        done = len(links) if enrolment.status == ENROLMENT_COMPLETED else held if current else rng.randint(1, 4)
        for link, session in zip(links[:done], sessions, strict=False):
            slug = link.module.slug
            studied_at = done_by(session.ends_at + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8)), b.now)
            progress = ModuleProgress(user=enrolment.user, module=link.module, status=PROGRESS_STUDIED,
                                      studied_at=studied_at, reflection=next(reflections[slug]),
                                      action_plan=b.written(ACTION_PLANS[slug], used.setdefault(slug, set()),
                                                            enrolment.user.neighbourhood))
            if enrolment.status == ENROLMENT_COMPLETED:
                progress.action_outcome = b.written(ACTION_OUTCOMES, used.setdefault("", set()),
                                                    enrolment.user.neighbourhood)
            db.session.add(progress)
        if enrolment.status == ENROLMENT_COMPLETED:
            db.session.add(Certificate(user=enrolment.user, kind=CERT_PROGRAMME, enrolment=enrolment,
                                       title=programme.name, holder_name=enrolment.user.name,
                                       period=name, code=_code(rng),
                                       issued_at=enrolment.completed_at))
    return cohort, enrolments


def _code(rng: random.Random) -> str:
    # Demo codes come from the seeded generator so the data set is reproducible; real certificates
    # get codes from the secrets module (certificates.verification).
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(rng.choice(alphabet) for _ in range(5)) for _ in range(4))


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def reset_database() -> None:
    """Delete every row (children first), keeping the schema and the migration version."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


# The reports' years (2021-2024) and the first traineeship (to June 2025) must lie in the past.
EARLIEST_LOAD = datetime(2025, 7, 1)


class DemoDateError(ValueError):
    pass


def load_demo(content_dir: str, scale: int = 1, now: datetime | None = None) -> Summary:
    """Load the demo academy as it stands at ``now`` (naive UTC; the current time by default): its history
    follows the reports, its running groups, walks and sign-ups are placed around ``now``, and nothing it
    shows as done lies after ``now``. Deterministic for a given ``now`` and ``scale``."""
    now = now or utcnow()
    if now < EARLIEST_LOAD:
        raise DemoDateError("De demo kan pas vanaf 1 juli 2025 worden geladen: de jaren uit de rapportages "
                            "moeten dan voorbij zijn.")
    sync_modules(content_dir)
    modules = {m.slug: m for m in db.session.scalars(select(Module).where(Module.archived_at.is_(None)))}
    programmes = ensure_programmes(modules)
    summary = Summary()
    for copy in range(scale):
        builder = Builder(random.Random(2021 + copy), copy, modules, programmes, now)
        build_copy(builder, summary)
        db.session.flush()
    db.session.commit()
    # Each feature's own demo rows, built on the academy above (copy 0 only).
    for extra in (load_demo_activities, load_demo_learning, load_demo_partners, load_demo_certificates,
                  load_demo_network):
        extra(now)
        db.session.commit()
    summary.attendance = db.session.scalar(select(func.count()).select_from(Attendance))
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
    return summary
