from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..core.errors import DomainError, show_on_form
from ..core.pagecache import cached_for_visitors
from ..core.redirects import local_path
from ..core.permissions import BEHEERDER, public, roles_required
from ..extensions import limiter
from . import blocking, invitations, services
from .forms import ForgotPasswordForm, LoginForm, NewAccountForm, RolesForm, SetPasswordForm, UserSearchForm
from .models import TOKEN_INVITE, TOKEN_RESET
from .throttle import guard_login

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (open-redirect protection); see core.redirects."""
    return local_path(target)


@bp.route("/inloggen", methods=["GET", "POST"])
@public
@guard_login  # log-in limits: auth/throttle.py
@cached_for_visitors
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        refusal = "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer ze en probeer opnieuw."
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountBlocked as exc:
            user, refusal = None, exc.message
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(f"Welkom, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        g.login_failed = True
        # The request id ties the line to the request log; the address typed stays out of the logs.
        current_app.logger.info("failed login request_id=%s", g.get("request_id", "-"))
        form.password.errors.append(refusal)
    return render_template("auth/login.html", form=form), _status(form)


def _status(form) -> int:
    """A re-shown form with errors answers 422; a form shown for the first time 200."""
    return 422 if form.errors else 200


@bp.route("/uitloggen", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.log_out(current_user)  # every copy of this session, on every server, ends
    logout_user()
    flash("Je bent uitgelogd.", "success")
    return redirect(url_for("home.index"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
@limiter.limit("5 per hour", methods=["POST"], scope="password-reset")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash("Als dit e-mailadres bij ons bekend is, ontvang je binnen enkele minuten een link "
              "om een nieuw wachtwoord te kiezen.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), _status(form)


def _set_password_view(token: str, purpose: str, template: str, done_message: str):
    if services.find_valid_token(token, purpose) is None:
        return render_template("auth/token_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data, purpose=purpose)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            login_user(user)
            flash(done_message, "success")
            return redirect(url_for("home.index"))
    return render_template(template, form=form), _status(form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    return _set_password_view(token, TOKEN_RESET, "auth/reset.html", "Je nieuwe wachtwoord is ingesteld.")


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    return _set_password_view(token, TOKEN_INVITE, "auth/invitation.html",
                              "Welkom bij Wijkmakers! Je account is klaar.")


@bp.route("/beheer/gebruikers")
@roles_required(BEHEERDER)
def users():
    form = UserSearchForm(request.args)
    return render_template("auth/users.html", page=services.users_page(form.q.data), form=form)


@bp.route("/beheer/gebruikers/<int:user_id>", methods=["GET", "POST"])
@roles_required(BEHEERDER)
def edit_user(user_id):
    user = services.editable_user(user_id)
    form = RolesForm(roles=sorted(user.role_keys))
    if form.validate_on_submit():
        try:
            services.change_roles(user, form.roles.data, by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            if user.id == current_user.id:
                login_user(user)  # a role change ends the person's sessions; the beheerder keeps this one
            flash(f"De rollen van {user.name} zijn bijgewerkt.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/edit_user.html", user=user, form=form), _status(form)


@bp.route("/beheer/gebruikers/<int:user_id>/blokkeren", methods=["POST"])
@roles_required(BEHEERDER)
def block_user(user_id):
    user = services.editable_user(user_id)
    blocking.block_user(user, by=current_user)
    flash(f"Het account van {user.name} is geblokkeerd. Alle sessies zijn beëindigd en er is een bericht "
          "verstuurd.", "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/beheer/gebruikers/<int:user_id>/deblokkeren", methods=["POST"])
@roles_required(BEHEERDER)
def unblock_user(user_id):
    user = services.editable_user(user_id)
    blocking.unblock_user(user, by=current_user)
    flash(f"Het account van {user.name} is weer open.", "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/beheer/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required(BEHEERDER)
def new_user():
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            user = invitations.invite_account(form.email.data, form.name.data, form.roles.data, by=current_user)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash(f"Account voor {user.name} aangemaakt. {user.email} krijgt een e-mail om een wachtwoord te "
                  f"kiezen (de link is {invitations.INVITATION_DAYS} dagen geldig).", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/new_user.html", form=form), _status(form)
