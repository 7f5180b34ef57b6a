"""The public side: the agenda, an activity's page and .ics, signing up and off (logged in), newcomers who
sign up without an account, and the personal calendar feed calendar apps fetch."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from ...auth.models import NEIGHBOURHOODS
from ...core.errors import DomainError, form_page, show_on_form
from ...core.pagecache import cached_for_visitors, shared_section
from ...core.pagination import paginate
from ...core.permissions import public
from ...core.timeutil import utcnow
from ...extensions import limiter
from .. import agenda as listing
from .. import calendar_feed as feeds
from .. import mail, newcomers, signups
from ..forms import ActionForm, NewcomerForm
from ..ics import activity_ics, feed_ics
from ..models import ACTIVITY_KINDS, KIND_SESSION, REG_CONFIRMED, REG_LABELS
from . import PUBLIC_KINDS, activity_or_404, bp, public_activity_or_404


def _newcomer_limit() -> str:
    return current_app.config.get("NEWCOMER_SIGNUP_LIMIT", "10 per hour")


def _newcomer_mail_limit() -> str:
    return current_app.config.get("NEWCOMER_MAILS_PER_ADDRESS", "5 per day")


def _newcomer_email_key() -> str:
    # Per e-mail address as well, so nobody can flood someone's mailbox from many network addresses.
    return "newcomer-email:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/agenda")
@public
@cached_for_visitors
def agenda():
    kind = request.args.get("soort", "")
    kind = kind if kind in ACTIVITY_KINDS and kind != KIND_SESSION else ""
    hood = request.args.get("wijk", "")
    hood = hood if hood in NEIGHBOURHOODS else ""
    month_raw = request.args.get("maand", "")
    month = listing.parse_month(month_raw)

    def content():
        page = paginate(listing.agenda_query(kind or None, hood or None, month), per_page=20)
        return render_template("activities/_agenda_content.html", page=page, kinds=PUBLIC_KINDS,
                               neighbourhoods=NEIGHBOURHOODS, kind=kind, hood=hood,
                               month=f"{month[0]:04d}-{month[1]:02d}" if month else "",
                               bad_month=bool(month_raw) and month is None)

    # organisers see their changes at once; for everyone else seats left may lag a few seconds, as for visitors
    return render_template("activities/agenda.html",
                           content=shared_section("agenda", content, fresh=signups.is_organiser(current_user)))


@bp.route("/agenda/<int:activity_id>")
@public
@cached_for_visitors
def detail(activity_id):
    activity = public_activity_or_404(activity_id)
    registration = rank = None
    if current_user.is_authenticated:
        registration = signups.active_registration(activity.id, current_user.id)
        rank = signups.waitlist_rank(registration)
    guides = [g.user.name for g in activity.guides]
    return render_template("activities/detail.html", activity=activity, registration=registration, rank=rank,
                           seats_left=signups.seats_left(activity), guides=guides, form=ActionForm(),
                           is_guide=current_user.is_authenticated and signups.is_guide(activity, current_user),
                           is_organiser=signups.is_organiser(current_user) if current_user.is_authenticated
                           else False,
                           REG_LABELS=REG_LABELS, signup_closed=not signups.signup_open(activity),
                           deadline=signups.deadline_of(activity), now=utcnow())


@bp.route("/agenda/<int:activity_id>.ics")
@public
def ics(activity_id):
    activity = public_activity_or_404(activity_id)
    body = activity_ics(activity, url=mail.detail_link(activity))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="activiteit-{activity.id}.ics"'})


@bp.route("/agenda/<int:activity_id>/aanmelden", methods=["POST"])
def signup(activity_id):
    activity = public_activity_or_404(activity_id)
    try:
        registration = signups.register(activity, current_user, by=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        if registration.status == REG_CONFIRMED:
            flash("Je bent aangemeld. Je krijgt een bevestiging per e-mail.", "success")
        else:
            flash(f"De activiteit is vol: je staat op de wachtlijst (plaats "
                  f"{signups.waitlist_rank(registration)}). Komt er een plek vrij, dan krijg je bericht.",
                  "success")
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/agenda/<int:activity_id>/afmelden", methods=["POST"])
def cancel(activity_id):
    activity = activity_or_404(activity_id)
    registration = signups.active_registration(activity.id, current_user.id)
    if registration is None:
        flash("Je was niet aangemeld voor deze activiteit.", "error")
    else:
        try:
            signups.cancel_registration(registration, by=current_user)
            flash("Je bent afgemeld.", "success")
        except DomainError as exc:
            flash(exc.message, "error")
    if not signups.is_public_activity(activity) or request.form.get("terug") == "mijn":
        return redirect(url_for("activities.mine"))
    return redirect(url_for("activities.detail", activity_id=activity.id))


@bp.route("/agenda/<int:activity_id>/aanmelden-zonder-account", methods=["GET", "POST"])
@public
@limiter.limit(_newcomer_limit, methods=["POST"], scope="newcomer-signup")
@limiter.limit(_newcomer_mail_limit, methods=["POST"], key_func=_newcomer_email_key, scope="newcomer-email")
def signup_newcomer(activity_id):
    activity = public_activity_or_404(activity_id)
    if current_user.is_authenticated:
        return redirect(url_for("activities.detail", activity_id=activity.id))
    form = NewcomerForm()
    closed = not signups.signup_open(activity)
    if not closed and form.validate_on_submit():
        if form.website.data:  # a bot filled in the hidden field: answer as usual, do nothing
            return render_template("activities/newcomer_sent.html", activity=activity)
        try:
            newcomers.start_newcomer_signup(activity, form.name.data, form.email.data, form.kind.data,
                                            form.organisation.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            return render_template("activities/newcomer_sent.html", activity=activity)
    return form_page("activities/newcomer.html", activity=activity, form=form, closed=closed,
                     seats_left=signups.seats_left(activity))


@bp.route("/aanmelding-bevestigen/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per hour", methods=["POST"], scope="newcomer-confirm")
def confirm_email(token):
    """GET shows a button, POST uses the link: mail scanners that open links do not use it up."""
    form = ActionForm()
    if request.method == "POST":
        try:
            user, outcomes, password_link = newcomers.confirm_newcomer(token)
        except DomainError as exc:
            return render_template("activities/confirm.html", form=form, error=exc.message), 410
        if not current_user.is_authenticated or current_user.id == user.id:
            login_user(user)
        return render_template("activities/confirmed.html", user=user, outcomes=outcomes,
                               password_link=password_link, REG_LABELS=REG_LABELS)
    return render_template("activities/confirm.html", form=form, error=None)


@bp.route("/agenda/persoonlijk/<token>.ics")
@public
def calendar_feed(token):
    user = feeds.user_for_calendar_token(token)
    if user is None:
        abort(404)
    body = feed_ics(feeds.feed_items(user), name="Wijkmakers: mijn activiteiten")
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=900", "X-Robots-Tag": "noindex"})
