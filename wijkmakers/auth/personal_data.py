"""What the account holds about a person, for their data export (core/personal_data.py)."""
from ..core.permissions import ROLE_LABELS
from ..core.personal_data import register
from .models import KIND_LABELS


@register("account", "Account", tables=("user", "user_role"), order=10, labels={
    "naam": "Naam", "e-mailadres": "E-mailadres", "telefoon": "Telefoon", "soort": "Deelnemer als",
    "functie": "Functie", "organisatie": "Organisatie", "wijk": "Wijk", "rollen": "Rollen",
    "aangemaakt": "Account aangemaakt", "laatst_ingelogd": "Laatst ingelogd",
    "e-mail_bevestigd": "E-mailadres bevestigd", "verwijdering_aangevraagd": "Wissen aangevraagd",
    "agenda_koppeling": "Persoonlijke agenda-koppeling", "aanmeldcode": "Persoonlijke aanmeldcode"})
def account(user) -> dict:
    return {
        "naam": user.name, "e-mailadres": user.email, "telefoon": user.phone,
        "soort": KIND_LABELS.get(user.kind, user.kind), "functie": user.job_title,
        "organisatie": user.organisation.name if user.organisation else None, "wijk": user.neighbourhood,
        "rollen": sorted(ROLE_LABELS.get(r, r) for r in user.role_keys), "aangemaakt": user.created_at,
        "laatst_ingelogd": user.last_login_at, "e-mail_bevestigd": user.email_confirmed_at,
        "verwijdering_aangevraagd": user.erasure_requested_at,
        "agenda_koppeling": user.calendar_token is not None, "aanmeldcode": user.checkin_code,
    }
