"""Template helpers: row links built from one address."""
from flask import url_for

from wijkmakers.core.templating import url_builder


def test_a_url_builder_gives_the_same_address_as_url_for(app):
    with app.test_request_context("/"):
        edit = url_builder("activities.edit", "activity_id")
        assert [edit(n) for n in (1, 42, 987654321)] == [url_for("activities.edit", activity_id=n)
                                                          for n in (1, 42, 987654321)]
        assert edit("7") == "/activiteiten/7/bewerken"


def test_a_url_builder_keeps_fixed_values_and_falls_back_when_the_number_is_not_in_one_place(app):
    with app.test_request_context("/"):
        page = url_builder("activities.manage", "pagina", soort="wijkwandeling")
        assert page(3) == url_for("activities.manage", soort="wijkwandeling", pagina=3)
        twice = url_builder("activities.manage", "pagina", soort="987654321")  # the stand-in shows twice
        assert twice(3) == url_for("activities.manage", soort="987654321", pagina=3)
