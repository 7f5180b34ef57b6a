"""Invitations to join a partner organisation: the contact's list of open invitations (withdraw one), and
the invited person's page behind the link in the mail (accept or decline). The rules are in
partners.invitations; these routes only show and answer."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from ..core.errors import DomainError, show_on_form
from ..core.permissions import PARTNERCONTACT, public, roles_required
from . import invitations as invitation_service
from .forms import AcceptInvitationForm, NewAccountForm
from .views import _no_organisation, _own_organisation, bp


@bp.route("/mijn-organisatie/uitnodigingen")
@roles_required(PARTNERCONTACT)
def invitations():
    organisation = _own_organisation()
    if organisation is None:
        return _no_organisation()
    rows = invitation_service.open_invitations(organisation)
    return render_template("partners/invitations.html", organisation=organisation, invitations=rows,
                           labels=invitation_service.target_labels(rows))


@bp.route("/mijn-organisatie/uitnodigingen/<int:invitation_id>/intrekken", methods=["POST"])
@roles_required(PARTNERCONTACT)
def withdraw_invitation(invitation_id):
    organisation = _own_organisation()
    if organisation is None or not AcceptInvitationForm().validate_on_submit():
        abort(404 if organisation is None else 400)
    invitation = invitation_service.withdraw(current_user, organisation, invitation_id)  # NotFound: 404
    flash(f"De uitnodiging voor {invitation.email} is ingetrokken.", "success")
    return redirect(url_for("partners.invitations"))


def _invitation_gone():
    return render_template("partners/invitation_gone.html"), 410


@bp.route("/organisatie-uitnodiging/<token>", methods=["GET", "POST"])
@public
def invitation(token):
    """The invited person's page: accept (as the invited account, or with a new password) or decline."""
    found = invitation_service.find_open(token)
    if found is None:
        return _invitation_gone()
    account = invitation_service.invited_account(found)
    logged_in = current_user.is_authenticated
    if logged_in and (account is None or account.id != current_user.id):
        abort(403)
    answer = request.form.get("antwoord") if request.method == "POST" else None
    form = AcceptInvitationForm()
    new_form = NewAccountForm() if account is None else None
    try:
        if answer == "weigeren" and form.validate_on_submit():
            invitation_service.decline(token)
            flash(f"Je hebt de uitnodiging van {found.organisation.name} geweigerd. Er is niets gekoppeld.", "success")
            return redirect(url_for("home.index"))
        if answer == "accepteren" and logged_in and form.validate_on_submit():
            accepted = invitation_service.accept_as(token, current_user._get_current_object())
            return _accepted(accepted)
        if answer == "accepteren" and new_form is not None and new_form.validate_on_submit():
            accepted = invitation_service.accept_new(token, new_form.name.data, new_form.password.data)
            login_user(accepted.user)
            return _accepted(accepted)
    except invitation_service.InvitationGone:
        return _invitation_gone()
    except invitation_service.WrongAccount:
        abort(403)
    except DomainError as exc:
        show_on_form(new_form or form, exc)
    status = 422 if request.method == "POST" else 200
    return render_template("partners/invitation.html", invitation=found, account=account, form=form,
                           new_form=new_form, target=invitation_service.target_labels([found]).get(found.target_code),
                           login_url=url_for("auth.login", next=request.path)), status


def _accepted(accepted):
    message = f"Je account is nu gekoppeld aan {accepted.organisation.name}."
    if accepted.target is not None:
        message += f" Je bent aangemeld voor {accepted.target.label}."
    elif accepted.wanted_target:
        message += (" Aanmelden voor de gekozen leergang of activiteit lukte niet meer (vol of gesloten); kijk in de "
                    "agenda wat er nog open staat.")
    flash(message, "success")
    return redirect(url_for("home.index"))
