"""Prepared statements: built once per variant, and every run answers with its own bind values."""
from sqlalchemy import bindparam, select

from wijkmakers.auth.models import User
from wijkmakers.auth.services import signed_in_user
from wijkmakers.core.statements import prepared


def test_a_builder_runs_once_per_variant(app):
    built = []

    @prepared
    def _by_name(ordered: bool):
        built.append(ordered)
        stmt = select(User.id).where(User.name == bindparam("name"))
        return stmt.order_by(User.id) if ordered else stmt

    assert _by_name(True) is _by_name(True)
    assert _by_name(False) is not _by_name(True)
    assert built == [True, False]


def test_one_prepared_statement_answers_each_request_with_its_own_values(app, make):
    ann, bob = make.user(name="Ann"), make.user(name="Bob")
    gone = make.user(name="Cor", active=False)

    assert signed_in_user(ann.id) is ann
    assert signed_in_user(bob.id) is bob
    assert signed_in_user(gone.id) is None
    assert signed_in_user(10**9) is None
