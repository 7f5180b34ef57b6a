"""A deterministic demo academy, built from the facts in the municipality's reports.

Copy 0 is the academy itself (35 leergang graduates, 40 board members, 24 partners, a monthly walk
2022-2024 with 8-16 walkers each and over 200 different walkers). ``scale`` adds further copies
(parallel groups, more people and activities) for benchmarks.
"""
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text

from ..activities.models import (KIND_LECTURE, KIND_MASTERCLASS, KIND_PARTNER_MEETING, KIND_SESSION,
                                 KIND_THEME_MEETING, KIND_WALK, KIND_WORKSHOP, REG_CONFIRMED, Activity,
                                 ActivityGuide, ActivitySeries, Attendance, Registration, RegistrationEvent)
from ..auth.models import KIND_PROFESSIONAL, KIND_RESIDENT, User, UserRole
from ..auth.services import hash_password
from ..certificates.models import CERT_PROGRAMME, Certificate
from ..core.timeutil import local_to_utc, utcnow
from ..extensions import db
from ..learning.content import sync_modules
from ..learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN,
                               PROGRAMME_BESTUURDERS, PROGRAMME_LEERGANG, PROGRAMME_PARTICIPATIE,
                               PROGRAMME_TRAINEESHIP, PROGRESS_STUDIED, Cohort, Enrolment, Module,
                               ModuleProgress, Phase, Placement, Programme, ProgrammeModule)
from ..partners.models import Organisation
from .certificates import load_demo_certificates
from .learning import load_demo_learning
from .network import load_demo_network
from .partners import load_demo_partners

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
    KIND_WORKSHOP: ["Het keukentafelgesprek", "Presenteren voor de wijkraad", "Subsidie aanvragen voor bewonersinitiatieven",
                    "Signalen van ondermijning herkennen", "Participatie in een ontwerptraject"],
    KIND_LECTURE: ["Bewonersbetrokkenheid en zelfregie", "Wat werkt in wijkvernieuwing", "Kansengelijkheid in Groningen-Noord",
                   "De wijk als leeromgeving"],
    KIND_THEME_MEETING: ["Themabijeenkomst armoede en schulden", "Themabijeenkomst eenzaamheid",
                         "Themabijeenkomst wonen en zorg", "Themabijeenkomst jongeren"],
    KIND_PARTNER_MEETING: ["Partnerbijeenkomst Maatschappelijke Coalitie"],
}
LOCATIONS = ["Wijkcentrum De Dialoog, Paddepoel", "Forum Groningen, zaal 3", "Buurthuis Selwerd",
             "Het Floreshuis, Indische buurt", "Stadhuis Groningen, raadzaal", "Wijkcentrum Vinkhuizen"]


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
    def activity(self, kind: str, title: str, start_local: datetime, hours: float, capacity: int, **fields) -> Activity:
        activity = Activity(kind=kind, title=title + self.suffix, starts_at=local_to_utc(start_local),
                            ends_at=local_to_utc(start_local + timedelta(hours=hours)), capacity=capacity,
                            signup_deadline=local_to_utc(start_local - timedelta(days=1)),
                            created_at=local_to_utc(start_local - timedelta(days=40)), **fields)
        db.session.add(activity)
        return activity

    def attend(self, activity: Activity, people: list[User], present_share: float = 0.92,
               all_present: bool = False) -> list[User]:
        """Register ``people`` (confirmed) and, if the activity is past, record attendance."""
        past = activity.starts_at < self.now
        present = []
        db.session.flush()  # events below refer to the activity and people by id
        for person in people[: activity.capacity]:
            reg_at = activity.starts_at - timedelta(days=self.rng.randint(3, 30))
            db.session.add(Registration(activity=activity, user=person, status=REG_CONFIRMED, active=True,
                                        organisation_id=person.organisation_id,
                                        created_at=reg_at, updated_at=reg_at))
            db.session.add(RegistrationEvent(activity_id=activity.id, user_id=person.id, event="geregistreerd", at=reg_at))
            activity.seats_taken += 1
            if past:
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
        programme = Programme(slug=slug, name=name, duration_months=months, require_all_modules=all_modules,
                              min_attendance_pct=pct, description=description)
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

    # Demo logins (copy 0 only) ----------------------------------------------------
    logins = {}
    if b.copy == 0:
        noorderhuis, selwerd_bo = partners[0], partners[9]
        specs = [
            ("deelnemer", KIND_RESIDENT, selwerd_bo, ("deelnemer",), "Sanne de Vries", "Selwerd",
             "deelnemer in de Leergang Wijkontwikkeling 2026-2027"),
            ("trainee", KIND_PROFESSIONAL, None, ("deelnemer",), "Milan Hoekstra", "Paddepoel",
             "trainee in het Traineeship 2025-2027"),
            ("begeleider", KIND_RESIDENT, None, ("begeleider", "deelnemer"), "Henk Bos", "Vinkhuizen",
             "begeleidt wijkwandelingen"),
            ("organisator", KIND_PROFESSIONAL, partners[13], ("organisator",), "Fatima El Amrani", None,
             "plant activiteiten en leergangen"),
            ("partner", KIND_PROFESSIONAL, noorderhuis, ("partnercontact",), "Joost Wiersma", None,
             f"partnercontact van {noorderhuis.name}"),
            ("partner2", KIND_PROFESSIONAL, partners[3], ("partnercontact",), "Ingrid Veenstra", None,
             f"partnercontact van {partners[3].name}"),
            ("coordinator", KIND_PROFESSIONAL, partners[13], ("coordinator",), "Marleen Kuiper", None,
             "cijfers, exports en partners"),
            ("beheerder", KIND_PROFESSIONAL, partners[13], ("beheerder",), "Ruben Dijkstra", None,
             "gebruikers en rollen"),
        ]
        password_hash = hash_password(DEMO_PASSWORD)
        for key, kind, org, roles, name, hood, description in specs:
            email = f"{key}@{DEMO_DOMAIN}"
            user = b.person(kind, org, roles, neighbourhood=hood, name=name, email=email)
            user.password_hash = password_hash
            logins[key] = user
            summary.logins.append(DemoLogin(email, roles[0], description))

    # Guides: a pool of residents and professionals; walks pair one of each ------------
    resident_guides = [resident(("begeleider", "deelnemer")) for _ in range(4)]
    professional_guides = [professional(("begeleider", "deelnemer")) for _ in range(4)]
    if "begeleider" in logins:
        resident_guides[0] = logins["begeleider"]

    # Walkers: over 200 different people, each walk 8-16 present ------------------------
    walkers = [resident() if i % 3 else professional() for i in range(240)]
    rng.shuffle(walkers)
    cursor = 0
    series = ActivitySeries(kind=KIND_WALK, title="Maandelijkse wijkwandeling" + b.suffix)
    db.session.add(series)
    month_index = 0
    walk_months = [(y, m) for y in (2022, 2023, 2024, 2025, 2026) for m in range(1, 13)]
    walk_months += [(2027, 1), (2027, 2), (2027, 3)]
    for year, month in walk_months:
        day = 10 + rng.randint(0, 14)
        start = datetime(year, month, day, 14 if month in (11, 12, 1, 2) else 19, 0)
        hood = NORTH[month_index % len(NORTH)]
        theme = WALK_THEMES[month_index % len(WALK_THEMES)]
        month_index += 1
        if (year, month) == (2026, 11):
            start = datetime(2026, 11, 26, 14, 0)  # a walk this week, for the guide's phone demo
        walk = b.activity(KIND_WALK, f"Wijkwandeling {hood}: {theme.lower()}", start, 2, 16,
                          theme=theme, neighbourhood=hood, meeting_point=MEETING_POINTS[hood],
                          min_participants=8, series=series,
                          practical_notes="Ongeveer 4 kilometer, rolstoeltoegankelijk. Trek schoenen aan die tegen een stootje kunnen.",
                          description=f"Een wandeling door {hood} over {theme.lower()}, met een bewoner en een professional als gids.")
        walk.guides = [ActivityGuide(user=rng.choice(resident_guides)),
                       ActivityGuide(user=rng.choice(professional_guides))]
        if (year, month) == (2026, 11) and "begeleider" in logins:
            walk.guides[0].user = logins["begeleider"]
        past = walk.starts_at < b.now
        if year <= 2024 or past:
            want_present = rng.randint(8, 16)
            registered = min(16, want_present + rng.randint(0, 2))
            people = []
            while len(people) < registered:
                person = walkers[cursor % len(walkers)]
                cursor += 1
                if person not in people:
                    people.append(person)
            # exactly ``want_present`` attend; any others registered are no-shows
            b.attend(walk, people[:want_present], all_present=True)
            b.attend(walk, people[want_present:], present_share=0.0)
        elif year == 2026 or (year == 2027 and month == 1):
            b.attend(walk, walkers[cursor % 200: cursor % 200 + rng.randint(4, 14)])
        summary.activities += 1

    # Other one-day activities ----------------------------------------------------------
    professionals = [professional() for _ in range(80)]
    audience = professionals + walkers[:120]
    for year in (2022, 2023, 2024, 2025, 2026):
        plan = [(KIND_MASTERCLASS, 3, 30), (KIND_WORKSHOP, 4, 25), (KIND_LECTURE, 4, 60),
                (KIND_THEME_MEETING, 3, 40), (KIND_PARTNER_MEETING, 4, 50)]
        for kind, count, capacity in plan:
            for i in range(count):
                month = 2 + i * (10 // count) + rng.randint(0, 1)
                start = datetime(year, month, rng.randint(3, 25), rng.choice([10, 13, 19]), 30)
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
    # a masterclass next month with a few seats left, for the sign-up demo
    upcoming = b.activity(KIND_MASTERCLASS, "Masterclass: Gebiedsontwikkeling en exploitatie",
                          datetime(2026, 12, 10, 13, 30), 5, 20, theme="Gebiedsontwikkeling en exploitatie",
                          location="Forum Groningen, zaal 3", speakers="Karin Postma en Harm Bouma")
    b.attend(upcoming, rng.sample(audience, 17))
    full_walk_people = rng.sample(walkers, 16)
    full = b.activity(KIND_WORKSHOP, "Workshop: Het keukentafelgesprek", datetime(2026, 12, 3, 19, 30), 2.5, 16,
                      theme="Gesprekstechniek", location="Buurthuis Selwerd", speakers="Tamara Smit")
    b.attend(full, full_walk_people)

    # Courses ---------------------------------------------------------------------------------
    def run_cohort(programme_slug: str, name: str, starts: date, ends: date, members: list[User],
                   completers: int, withdrawn: int, current: bool = False) -> Cohort:
        programme = b.programmes[programme_slug]
        cohort = Cohort(programme=programme, name=name + b.suffix, starts_on=starts, ends_on=ends,
                        capacity=max(16, len(members)), open_for_requests=current)
        db.session.add(cohort)
        links = programme.modules
        session_day = datetime(starts.year, starts.month, 15, 13, 30)
        sessions = []
        for index, link in enumerate(links):
            start = session_day + timedelta(days=int(index * (ends - starts).days / max(1, len(links))))
            sessions.append(b.activity(KIND_SESSION, f"{programme.name}: {link.module.title}", start, 3.5,
                                       max(16, len(members)), cohort=cohort, module=link.module,
                                       theme=link.module.theme, location=rng.choice(LOCATIONS)))
        enrolments = []
        for i, person in enumerate(members):
            status = ENROLMENT_ACTIVE if current else (
                ENROLMENT_COMPLETED if i < completers else ENROLMENT_WITHDRAWN if i < completers + withdrawn
                else ENROLMENT_ACTIVE)
            enrolment = Enrolment(user=person, cohort=cohort, status=status,
                                  organisation_id=person.organisation_id,
                                  created_at=local_to_utc(datetime.combine(starts, datetime.min.time())) - timedelta(days=30),
                                  completed_at=local_to_utc(datetime.combine(ends, datetime.min.time()))
                                  if status == ENROLMENT_COMPLETED else None,
                                  withdrawn_at=local_to_utc(datetime.combine(starts, datetime.min.time())) + timedelta(days=60)
                                  if status == ENROLMENT_WITHDRAWN else None)
            db.session.add(enrolment)
            enrolments.append(enrolment)
        for index, session in enumerate(sessions):
            attendees = [e.user for e in enrolments
                         if not (e.status == ENROLMENT_WITHDRAWN and index > 2)]
            if session.starts_at < b.now:
                # completers miss at most one session, so they stay at 90% or more
                present_share = 0.95 if not current else 0.9
                b.attend(session, attendees, present_share=present_share)
            elif current:
                b.attend(session, attendees)
        for enrolment in enrolments:
            done = len(links) if enrolment.status == ENROLMENT_COMPLETED else (
                sum(1 for s in sessions if s.starts_at < b.now) if current else rng.randint(1, 4))
            for link in links[:done]:
                progress = ModuleProgress(user=enrolment.user, module=link.module, status=PROGRESS_STUDIED,
                                          studied_at=local_to_utc(datetime.combine(starts, datetime.min.time())) + timedelta(days=20),
                                          reflection="Ik heb gemerkt dat ik vaker eerst wil luisteren voordat ik een oplossing zoek.",
                                          action_plan="Ik organiseer met twee buren een ronde langs de flat om te horen wat er speelt.")
                if enrolment.status == ENROLMENT_COMPLETED:
                    progress.action_outcome = "Gedaan: twaalf gesprekken gevoerd, drie mensen willen meedoen met een buurtmoestuin."
                db.session.add(progress)
            if enrolment.status == ENROLMENT_COMPLETED:
                db.session.add(Certificate(user=enrolment.user, kind=CERT_PROGRAMME, enrolment=enrolment,
                                           title=programme.name, holder_name=enrolment.user.name,
                                           period=f"{starts.year}-{ends.year}", code=_code(rng),
                                           issued_at=enrolment.completed_at))
        return cohort, enrolments

    def fresh_members(n, share_residents=.4):
        return [resident() if rng.random() < share_residents else professional() for _ in range(n)]

    # Leergang Wijkontwikkeling: 12 + 12 + 11 = 35 completed.
    for name, y, completers, size in (("2021-2022", 2021, 12, 14), ("2022-2023", 2022, 12, 15), ("2023-2024", 2023, 11, 13)):
        run_cohort(PROGRAMME_LEERGANG, name, date(y, 9, 1), date(y + 1, 6, 30), fresh_members(size), completers, size - completers)
    current_members = fresh_members(13)
    if "deelnemer" in logins:
        current_members.insert(0, logins["deelnemer"])
    run_cohort(PROGRAMME_LEERGANG, "2026-2027", date(2026, 9, 1), date(2027, 6, 30), current_members, 0, 0, current=True)
    # Bestuurdersleergang: 40 board members in two groups.
    for name, y in (("2022", 2022), ("2023", 2023)):
        board = [b.person(KIND_PROFESSIONAL, rng.choice(partners), neighbourhood=None) for _ in range(20)]
        for person in board:
            person.job_title = "bestuurder"
        run_cohort(PROGRAMME_BESTUURDERS, name, date(y, 2, 1), date(y, 7, 31), board, 20, 0)
    run_cohort(PROGRAMME_PARTICIPATIE, "2024", date(2024, 2, 1), date(2024, 6, 30), fresh_members(15, .6), 13, 2)
    # Traineeship: two-year tracks with placements and mentors at partners.
    mentors = [professional() for _ in range(4)]
    for name, y, current in (("2023-2025", 2023, False), ("2025-2027", 2025, True)):
        trainees = [b.person(KIND_PROFESSIONAL, None) for _ in range(5)]
        if current and "trainee" in logins:
            trainees.insert(0, logins["trainee"])
        cohort, enrolments = run_cohort(PROGRAMME_TRAINEESHIP, name, date(y, 9, 1), date(y + 2, 6, 30), trainees,
                                        4 if not current else 0, 1 if not current else 0, current=current)
        for enrolment in enrolments:
            enrolment.mentor = rng.choice(mentors)
            for phase in b.programmes[PROGRAMME_TRAINEESHIP].phases:
                phase_end = date(y, 9, 1) + timedelta(days=182 * phase.number)
                db.session.add(Placement(enrolment=enrolment, phase=phase, organisation=rng.choice(partners),
                                         mentor=enrolment.mentor,
                                         description=f"Stage in fase {phase.number}: meewerken aan een wijkproject.",
                                         completed_at=local_to_utc(datetime.combine(phase_end, datetime.min.time()))
                                         if phase_end < b.now.date() and enrolment.status != ENROLMENT_WITHDRAWN else None))
    summary.users += len(b.users)


def _code(rng: random.Random) -> str:
    # Demo codes come from the seeded generator so the data set is reproducible; real certificates
    # get codes from the secrets module (certificates.services).
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(rng.choice(alphabet) for _ in range(5)) for _ in range(4))


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def reset_database() -> None:
    """Delete every row (children first), keeping the schema and the migration version."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def load_demo(content_dir: str, scale: int = 1, now: datetime | None = None) -> Summary:
    now = now or utcnow()
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
    for extra in (load_demo_learning, load_demo_partners, load_demo_certificates, load_demo_network):
        extra(now)
        db.session.commit()
    summary.attendance = db.session.scalar(select(func.count()).select_from(Attendance))
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
    return summary


