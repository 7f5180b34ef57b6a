"""People in and out of the network, a module with action plans, and helpers to switch users."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from wijkmakers.auth.models import KIND_PROFESSIONAL, KIND_RESIDENT, User
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import ENROLMENT_COMPLETED, Cohort, Enrolment, Module, ModuleProgress, Programme
from wijkmakers.network.profiles import save_profile


def opt_in(user, *, display_name=None, neighbourhood="Selwerd", themes=("energietransitie",), tags="",
           working_on="", introduction="", show_organisation=True, show_kind=True, show_participation=True,
           accepts_contact=True):
    return save_profile(
        user, display_name=display_name or user.name, neighbourhood=neighbourhood, themes=list(themes), tags=tags,
        working_on=working_on, introduction=introduction, show_organisation=show_organisation, show_kind=show_kind,
        show_participation=show_participation, accepts_contact=accepts_contact)


def make_module(slug="energietransitie", title="Energietransitie", theme="energietransitie") -> Module:
    module = db.session.scalar(select(Module).where(Module.slug == slug))
    if module is None:
        module = Module(slug=slug, title=title, theme=theme, position=4)
        db.session.add(module)
        db.session.commit()
    return module


def make_plan(user, module=None, text="Ik organiseer met twee buren een warmteavond in het buurthuis.",
              written=None, outcome="", followup_sent_at=None) -> ModuleProgress:
    module = module or make_module()
    progress = ModuleProgress(user_id=user.id, module_id=module.id, status="bestudeerd", reflection="",
                              action_plan=text, action_plan_at=written or utcnow() - timedelta(days=10),
                              action_outcome=outcome, followup_sent_at=followup_sent_at, response="")
    db.session.add(progress)
    db.session.commit()
    return progress


def make_cohort(name="2022-2023", year=2022) -> Cohort:
    programme = db.session.scalar(select(Programme).where(Programme.slug == "leergang-wijkontwikkeling"))
    if programme is None:
        programme = Programme(slug="leergang-wijkontwikkeling", name="Leergang Wijkontwikkeling")
        db.session.add(programme)
    cohort = Cohort(programme=programme, name=name, starts_on=date(year, 9, 1), ends_on=date(year + 1, 6, 30))
    db.session.add(cohort)
    db.session.commit()
    return cohort


def enrol(user, cohort, status=ENROLMENT_COMPLETED):
    db.session.add(Enrolment(user_id=user.id, cohort_id=cohort.id, status=status))
    db.session.commit()


@dataclass
class World:
    anna: User      # resident in Selwerd, energietransitie, opted in
    bas: User       # professional at a housing corporation, opted in
    carla: User     # participant, not in the network
    organiser: User
    guide: User
    coordinator: User
    partner: User


@pytest.fixture
def world(make) -> World:
    corporation = make.organisation(name="Woonstichting Noorderhuis", type="woningcorporatie")
    anna = make.user(name="Anna Bakker", email="anna@example.org", kind=KIND_RESIDENT, neighbourhood="Selwerd")
    bas = make.user(name="Bas Visser", email="bas@example.org", kind=KIND_PROFESSIONAL,
                    organisation_id=corporation.id)
    carla = make.user(name="Carla Smit", email="carla@example.org", kind=KIND_RESIDENT)
    organiser = make.user(roles=("organisator",), name="Olga Organisator", email="olga@example.org")
    guide = make.user(roles=("begeleider", "deelnemer"), name="Gijs Gids", email="gijs@example.org")
    coordinator = make.user(roles=("coordinator",), name="Coby Coördinator", email="coby@example.org")
    partner = make.user(roles=("partnercontact",), name="Piet Partner", email="piet@example.org",
                        organisation_id=corporation.id)
    opt_in(anna, neighbourhood="Selwerd", themes=("energietransitie", "samenlevingsopbouw"), tags="warmtenet",
           working_on="Energiecafé in het buurthuis", introduction="Bewoner van Selwerd.")
    opt_in(bas, neighbourhood="Paddepoel", themes=("bewonersparticipatie",), working_on="Bewonerspanel")
    return World(anna, bas, carla, organiser, guide, coordinator, partner)
