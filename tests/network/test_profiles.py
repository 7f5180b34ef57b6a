"""Opting in, choosing what is shown, withdrawing and deleting."""
from sqlalchemy import select

from wijkmakers.extensions import db
from wijkmakers.network.initiatives import create_initiative
from wijkmakers.network.profiles import normalise_tags, profile_of
from wijkmakers.network.models import NetworkProfile

from ..conftest import login


def _form(**overrides):
    data = {"display_name": "Carla", "neighbourhood": "Selwerd", "themes": ["energietransitie", "financiering"],
            "tags": "moestuin, Moestuin, buurthuis", "working_on": "Een moestuin", "introduction": "Hallo!",
            "show_kind": "y", "accepts_contact": "y"}
    data.update(overrides)
    return data


def test_opting_in_through_the_form(client, world):
    login(client, world.carla)
    page = client.get("/netwerk/mijn-profiel")
    assert page.status_code == 200 and "Opslaan en meedoen" in page.get_data(as_text=True)
    assert db.session.scalar(select(NetworkProfile).where(NetworkProfile.user_id == world.carla.id)) is None

    response = client.post("/netwerk/mijn-profiel", data=_form())
    assert response.status_code == 302
    profile = profile_of(world.carla.id)
    assert profile.opted_in and profile.opted_in_at is not None
    assert profile.display_name == "Carla"
    assert sorted(t.theme for t in profile.themes) == ["energietransitie", "financiering"]
    assert profile.tags == "moestuin, buurthuis"  # doubles removed
    assert not profile.show_organisation and profile.show_kind and not profile.show_participation


def test_only_chosen_fields_are_shown_and_never_the_address(client, world):
    login(client, world.carla)
    client.post("/netwerk/mijn-profiel", data=_form(show_kind=""))
    profile = profile_of(world.carla.id)
    login(client, world.bas)
    html = client.get(f"/netwerk/mensen/{profile.id}").get_data(as_text=True)
    assert "Carla" in html and "Een moestuin" in html and "Selwerd" in html
    assert "Carla Smit" not in html  # she chose a first name only
    assert "Bewoner" not in html  # kind hidden
    assert "carla@example.org" not in html
    directory = client.get("/netwerk").get_data(as_text=True)
    assert "@example.org" not in directory


def test_organisation_shown_only_when_chosen(client, world):
    login(client, world.anna)
    bas_profile = profile_of(world.bas.id)
    assert "Woonstichting Noorderhuis" in client.get(f"/netwerk/mensen/{bas_profile.id}").get_data(as_text=True)
    login(client, world.bas)
    client.post("/netwerk/mijn-profiel", data=_form(display_name="Bas"))  # show_organisation unticked
    login(client, world.anna)
    assert "Woonstichting Noorderhuis" not in client.get(f"/netwerk/mensen/{bas_profile.id}").get_data(as_text=True)
    assert "Noorderhuis" not in client.get("/netwerk?q=noorderhuis").get_data(as_text=True)


def test_profile_form_errors_are_dutch_and_nothing_is_saved(client, world):
    login(client, world.carla)
    response = client.post("/netwerk/mijn-profiel", data=_form(display_name=""))
    assert response.status_code == 422
    assert "Vul de naam in die anderen zien." in response.get_data(as_text=True)
    response = client.post("/netwerk/mijn-profiel", data=_form(neighbourhood="Atlantis"))
    assert response.status_code == 422 and "Kies een wijk uit de lijst" in response.get_data(as_text=True)
    response = client.post("/netwerk/mijn-profiel", data=_form(themes=["astrologie"]))
    assert response.status_code == 422 and "Kies thema" in response.get_data(as_text=True)
    many = ", ".join(f"onderwerp {n}" for n in range(12))
    response = client.post("/netwerk/mijn-profiel", data=_form(tags=many))
    assert response.status_code == 422 and "hoogstens 10 eigen onderwerpen" in response.get_data(as_text=True)
    response = client.post("/netwerk/mijn-profiel", data=_form(introduction="x" * 1001))
    assert response.status_code == 422
    assert profile_of(world.carla.id) is None


def test_withdrawing_hides_profile_and_initiatives_at_once(client, world):
    anna_profile = profile_of(world.anna.id)
    initiative = create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd",
                                            theme="energietransitie", summary="Elke maand een energiecafé.")
    login(client, world.bas)
    assert client.get(f"/netwerk/mensen/{anna_profile.id}").status_code == 200
    assert client.get(f"/netwerk/initiatieven/{initiative.id}").status_code == 200

    login(client, world.anna)
    assert client.post("/netwerk/mijn-profiel/verbergen").status_code == 302
    # Anna herself no longer browses the network, but keeps her own initiative
    assert "Je profiel staat op dit moment uit" in client.get("/netwerk").get_data(as_text=True)
    own = client.get(f"/netwerk/initiatieven/{initiative.id}")
    assert own.status_code == 200 and "anderen zien dit initiatief nu niet" in own.get_data(as_text=True)

    login(client, world.bas)
    assert client.get(f"/netwerk/mensen/{anna_profile.id}").status_code == 404
    assert client.get(f"/netwerk/initiatieven/{initiative.id}").status_code == 404
    assert "Anna Bakker" not in client.get("/netwerk").get_data(as_text=True)
    assert "Energiecafé" not in client.get("/netwerk/initiatieven").get_data(as_text=True)

    # Saving the form again opts back in, with the texts kept
    login(client, world.anna)
    page = client.get("/netwerk/mijn-profiel").get_data(as_text=True)
    assert "Energiecafé in het buurthuis" in page
    client.post("/netwerk/mijn-profiel", data=_form(display_name="Anna Bakker"))
    login(client, world.bas)
    assert client.get(f"/netwerk/mensen/{anna_profile.id}").status_code == 200


def test_deleting_the_profile(client, world):
    login(client, world.anna)
    assert client.post("/netwerk/mijn-profiel/verwijderen").status_code == 302
    assert profile_of(world.anna.id) is None
    assert "Meedoen aan het netwerk" in client.get("/netwerk").get_data(as_text=True)


def test_tags_are_normalised():
    assert normalise_tags(" Moestuin ;moestuin,  jongeren   werk ,,") == "Moestuin, jongeren werk"


def test_a_broken_rule_lands_under_its_own_field_and_answers_422(client, world):
    """normalise_tags raises DomainError(field="tags"): the message shows under the tags field, not the name."""
    login(client, world.carla)
    response = client.post("/netwerk/mijn-profiel", data={"display_name": "Carla", "tags": ",".join("abcdefghijk")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = html.split('id="tags-fout"', 1)[1].split("</p>", 1)[0]
    assert "Kies hoogstens 10 eigen onderwerpen; je noemde er 11." in error
    assert 'id="display_name-fout"' not in html
    assert profile_of(world.carla.id) is None


def test_opt_in_form_starts_unticked(client, world):
    """Privacy by default: a new person's form shows no sharing option and no contact requests ticked,
    even when they have an organisation; saving it untouched shares none of them."""
    import re

    world.carla.organisation_id = world.carla.organisation_id or _any_organisation_id()
    db.session.commit()
    login(client, world.carla)
    html = client.get("/netwerk/mijn-profiel").get_data(as_text=True)
    boxes = re.findall(r"<input[^>]*type=\"checkbox\"[^>]*>", html)
    named = {re.search(r'name="([^"]+)"', b).group(1): b for b in boxes}
    for name in ("show_organisation", "show_kind", "show_participation", "accepts_contact"):
        assert name in named and "checked" not in named[name], named.get(name)
    assert not any("checked" in b for b in boxes)
    data = _form()
    for name in ("show_kind", "accepts_contact"):
        data.pop(name)
    assert client.post("/netwerk/mijn-profiel", data=data).status_code == 302
    profile = profile_of(world.carla.id)
    assert not (profile.show_organisation or profile.show_kind or profile.show_participation
                or profile.accepts_contact)


def _any_organisation_id():
    from wijkmakers.organisations.models import Organisation

    organisation = Organisation(name="Buurtwerk Test", type="welzijn")
    db.session.add(organisation)
    db.session.flush()
    return organisation.id
