"""For participants: my sign-ups with my check-in code, my calendar link, and feedback after an activity."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...core.errors import DomainError, form_page, show_on_form
from ...core.timeutil import utcnow
from .. import agenda as listing
from .. import attendance as presence
from .. import calendar_feed as feeds
from .. import feedback as evaluation
from .. import signups
from ..forms import ActionForm, FeedbackForm
from ..models import REG_LABELS
from . import bp, public_activity_or_404


@bp.route("/mijn-aanmeldingen")
def mine():
    registrations = listing.registrations_of_user(current_user.id, active_only=True)
    now = utcnow()
    upcoming = [r for r in reversed(registrations) if r.activity.ends_at >= now]  # soonest first
    past = [r for r in registrations if r.activity.ends_at < now][:30]
    code = presence.ensure_checkin_code(current_user)
    return render_template("activities/mine.html", upcoming=upcoming, past=past,
                           ranks=signups.waitlist_ranks(upcoming), REG_LABELS=REG_LABELS, now=now,
                           code=presence.format_code(code), qr=presence.qr_svg_data_uri(code), form=ActionForm(),
                           guided=listing.upcoming_for_guide(current_user, now),
                           public=signups.is_public_activity)


@bp.route("/mijn-aanmeldingen/agenda-koppeling", methods=["GET", "POST"])
def calendar_link():
    if request.method == "POST":
        if request.form.get("actie") == "stoppen":
            feeds.revoke_calendar_token(current_user)
            flash("De agenda-koppeling is gestopt. Het oude adres werkt niet meer.", "success")
        else:
            renewing = bool(current_user.calendar_token)
            feeds.new_calendar_token(current_user)
            flash("Er is een nieuw adres voor je agenda; het oude werkt niet meer." if renewing
                  else "Je agenda-koppeling is klaar. Kopieer het adres naar je agenda-app.", "success")
        return redirect(url_for("activities.calendar_link"))
    feed_url = (current_app.config["BASE_URL"] + url_for("activities.calendar_feed", token=current_user.calendar_token)
                if current_user.calendar_token else None)
    return render_template("activities/calendar.html", form=ActionForm(), feed_url=feed_url)


@bp.route("/agenda/<int:activity_id>/evaluatie", methods=["GET", "POST"])
def feedback(activity_id):
    activity = public_activity_or_404(activity_id)
    state = evaluation.feedback_state(activity, current_user)
    if not state.allowed:
        return render_template("activities/feedback_closed.html", activity=activity, reason=state.reason), 403
    form = FeedbackForm()
    if request.method == "GET" and state.existing is not None:
        form.mark.data = str(state.existing.mark)
        form.comment.data = state.existing.comment
    if form.validate_on_submit():
        try:
            evaluation.save_feedback(activity, current_user, int(form.mark.data), form.comment.data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            flash("Bedankt voor je beoordeling!", "success")
            return redirect(url_for("activities.mine"))
    return form_page("activities/feedback.html", activity=activity, form=form, existing=state.existing)
