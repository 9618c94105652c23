"""Pages of public evaluation, talks, the column and research reports.

Public pages (phone-friendly, ``public_base.html``): evaluate a unit, answer an invitation
or a survey, read the released column. Staff pages check a permission and fetch protected
rows through one ``get_*_for_user`` accessor each (404 alike for missing and forbidden).
"""

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dgov.accounts.access import AuthedRequest, StaffRequest, staff_or_403
from dgov.accounts.models import Department, District, User
from dgov.accounts.roles import Role
from dgov.campaigns.models import Campaign
from dgov.evaluation import actions, forms, results, rules
from dgov.evaluation.models import (
    ArticleStatus,
    Channel,
    ColumnArticle,
    ColumnBatch,
    CommentStatus,
    Evaluation,
    Invitation,
    ResearchReport,
    Survey,
    Talk,
    setting,
)
from dgov.evaluation.permissions import (
    INVITE,
    MANAGE_SURVEYS,
    MODERATE,
    RECORD_TALK,
    REVIEW_COLUMN,
    REVIEW_REPORT,
    SUBMIT_REPORT,
    VIEW_RESULTS,
    WRITE_COLUMN,
)
from dgov.lib import clock
from dgov.lib.addresses import client_address
from dgov.lib.conflicts import Conflict
from dgov.lib.links import public_url
from dgov.lib.ratelimit import RateLimit
from dgov.lib.rules import enforce
from dgov.lib.xlsx import workbook_response
from dgov.ops.replica import reads_from_replica

# Failed invitation-code look-ups per client address and window (guessing codes).
# Wrong invitation codes per client address in ten minutes, for every worker together.
CODE_LIMIT = RateLimit("evaluation.code", limit=20, window_seconds=600)
_SESSION_DEVICE = "evaluation_device"


def _device(request: HttpRequest) -> str:
    """The device is the session (server-side); its token is kept only as a keyed hash."""
    token = request.session.get(_SESSION_DEVICE)
    if not token:
        token = secrets.token_urlsafe(18)
        request.session[_SESSION_DEVICE] = token
    return actions.keyed(str(token))


def _address(request: HttpRequest) -> str:
    return actions.keyed(client_address(request))


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _one_form(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    act: Callable[[dict[str, Any]], Any],
    message: str,
    done: str,
) -> HttpResponse:
    """A page of one form whose POST does one act: refused by the page's predicate
    (``context["verdict"]``: 403 with the reason, 409 when done already), 400 on bad input,
    else the act, a message and a redirect to ``done`` (the saved thing's page)."""
    form = context["form"]
    if request.method != "POST":
        return render(request, template, context)
    enforce(context["verdict"])
    if form.is_valid():
        try:
            saved = act(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            return redirect(done, pk=saved.pk)
    return render(request, template, context, status=400)


# Public pages ----------------------------------------------------------------------------


def _public_district(request: HttpRequest) -> District:
    code = request.GET.get("district") or settings.DEFAULT_DISTRICT_CODE
    district = District.objects.filter(code=str(code)[:6]).first()
    if district is None:
        raise Http404
    return district


@require_http_methods(["GET"])
def public_index(request: HttpRequest) -> HttpResponse:
    """The campaign's public evaluation page: its units, open surveys, the column."""
    district = _public_district(request)
    campaigns = list(Campaign.objects.filter(district=district).order_by("-starts_on", "-id"))
    campaign = campaigns[0] if campaigns else None
    today = clock.today()
    context: dict[str, Any] = {"district": district, "campaign": campaign, "campaigns": campaigns}
    if campaign is not None:
        context["units"] = Department.objects.filter(district=district).order_by("code")
        context["surveys"] = [s for s in Survey.objects.filter(campaign=campaign) if s.is_open(today)]
        context["released"] = (
            ColumnArticle.objects.filter(campaign=campaign).released(today).select_related("unit", "batch")[:5]
        )
    return render(request, "evaluation/public_index.html", context)


def _public_campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("district"), pk=pk)


@require_http_methods(["GET", "POST"])
def public_unit(request: HttpRequest, campaign_pk: int, unit_pk: int) -> HttpResponse:
    """社会评议: anyone evaluates a unit; approved comments are shown below the form."""
    campaign = _public_campaign(campaign_pk)
    unit = get_object_or_404(Department, pk=unit_pk, district_id=campaign.district_id)
    form = forms.EvaluateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_evaluate_public(
                    campaign=campaign,
                    unit=unit,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    device=_device(request),
                    address=_address(request),
                )
            except actions.TooMany as refusal:
                form.add_error(None, refusal.message)
                status = 429
            except Conflict as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("Thank you. Your evaluation is recorded."))
                return redirect("evaluation:public_unit", campaign_pk=campaign.pk, unit_pk=unit.pk)
        else:
            status = 400
    evaluations = Evaluation.objects.filter(campaign=campaign, unit=unit)
    context = {
        "campaign": campaign,
        "unit": unit,
        "form": form,
        "count": evaluations.count(),
        "comments": evaluations.shown_comments().order_by("-created_at")[:20],
    }
    return render(request, "evaluation/public_unit.html", context, status=status)


def _invitation(request: HttpRequest, code: str) -> Invitation | None:
    """The invitation with ``code``, or None; ``TooMany`` after too many wrong codes from
    the client's address (guessing)."""
    address = _address(request)
    if not CODE_LIMIT.take(address):
        raise actions.TooMany(_("Too many wrong codes from your address. Please try again in 10 minutes."))
    invitation = Invitation.objects.filter(code=code.strip().upper()).select_related("unit", "campaign").first()
    if invitation is not None:
        CODE_LIMIT.give_back(address)  # only wrong codes are limited
    return invitation


@require_http_methods(["GET", "POST"])
def served_start(request: HttpRequest) -> HttpResponse:
    """Enter the code printed on the receipt or sent by message."""
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("evaluation:served", code=form.cleaned_data["code"])
    return render(request, "evaluation/served_start.html", {"form": form}, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def served(request: HttpRequest, code: str) -> HttpResponse:
    """服务对象测评: one evaluation per invitation (per case or per visit)."""
    try:
        invitation = _invitation(request, code)
    except actions.TooMany as refusal:
        context = {"form": forms.CodeForm(), "refusal": refusal.message}
        return render(request, "evaluation/served_start.html", context, status=429)
    if invitation is None:
        context = {"form": forms.CodeForm(), "refusal": _("No invitation has this code.")}
        return render(request, "evaluation/served_start.html", context, status=404)
    form = forms.EvaluateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            enforce(rules.may_evaluate_served(None, invitation))
            if form.is_valid():
                actions.do_evaluate_served(
                    invitation=invitation, scores=form.scores(), comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("Thank you. Your evaluation is recorded."))
                return redirect("evaluation:served", code=invitation.code)
            status = 400
        except Conflict as error:
            form.add_error(None, error.message)
            status = 409
    verdict = rules.may_evaluate_served(None, invitation)
    context = {"invitation": invitation, "form": form, "used": verdict.conflict, "verdict": verdict}
    return render(request, "evaluation/served.html", context, status=status)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    """群众满意度测评: only while the survey is open; one response per unit and device."""
    the_survey = get_object_or_404(Survey.objects.select_related("campaign"), pk=pk)
    verdict = rules.may_answer_survey(None, the_survey, clock.today())
    form = forms.SurveyAnswerForm(request.POST or None, survey=the_survey)
    context = {"survey": the_survey, "form": form, "verdict": verdict, "closed": not verdict}
    status = 200
    if request.method == "POST":
        try:
            enforce(verdict)
            if form.is_valid():
                actions.do_answer_survey(
                    survey=the_survey,
                    unit=form.cleaned_data["unit"],
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    device=_device(request),
                    address=_address(request),
                )
                messages.success(request, _("Thank you. Your answers are recorded."))
                return redirect("evaluation:survey", pk=the_survey.pk)
            status = 400
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        except actions.TooMany as refusal:
            form.add_error(None, refusal.message)
            status = 429
        except Conflict as error:
            form.add_error(None, error.message)
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
    return render(request, "evaluation/survey.html", context, status=status)


@require_http_methods(["GET"])
def column(request: HttpRequest) -> HttpResponse:
    """一把手谈解放思想: the released articles, batch by batch."""
    district = _public_district(request)
    articles = (
        ColumnArticle.objects.filter(district=district)
        .released(clock.today())
        .select_related("unit", "batch", "campaign")
        .order_by("-batch__release_on", "unit__code")
    )
    return render(request, "evaluation/column.html", {"articles": articles, "district": district})


@require_http_methods(["GET"])
def column_article(request: HttpRequest, pk: int) -> HttpResponse:
    """A released article; before its batch's date it does not exist for the public."""
    article = get_object_or_404(
        ColumnArticle.objects.released(clock.today()).select_related("unit", "batch", "author"), pk=pk
    )
    return render(request, "evaluation/column_article.html", {"article": article})


# Results and moderation ------------------------------------------------------------------


def _campaign_choice(request: HttpRequest, user: User) -> tuple[Campaign | None, list[Campaign]]:
    campaigns = list(Campaign.objects.visible_to(user).order_by("-starts_on", "-id"))
    wanted = request.GET.get("campaign", "")
    chosen = next((c for c in campaigns if str(c.pk) == wanted), campaigns[0] if campaigns else None)
    return chosen, campaigns


@login_required
@permission_required(VIEW_RESULTS, raise_exception=True)
def results_page(request: HttpRequest) -> HttpResponse:
    """Results by unit and measure, as a table and a chart."""
    user = staff_or_403(request)
    campaign, campaigns = _campaign_choice(request, user)
    channel = request.GET.get("channel", "")
    channel = channel if channel in Channel.values else ""
    table = results.rows(campaign, channel) if campaign else []
    context = {
        "campaign": campaign,
        "campaigns": campaigns,
        "channels": Channel.choices,
        "channel": channel,
        "table": table,
        "options": results.chart_options(table),
    }
    return render(request, "evaluation/results.html", context)


@reads_from_replica
@login_required
@permission_required(VIEW_RESULTS, raise_exception=True)
def results_export(request: HttpRequest) -> FileResponse:
    user = staff_or_403(request)
    campaign, _campaigns = _campaign_choice(request, user)
    if campaign is None:
        raise Http404
    channel = request.GET.get("channel", "")
    table = results.rows(campaign, channel if channel in Channel.values else "")
    return workbook_response(f"evaluation-{campaign.pk}.xlsx", [results.sheet(campaign, table)])


def get_evaluation_for_moderator(request: HttpRequest, pk: int) -> Evaluation:
    user = staff_or_403(request)
    if not user.has_perm(MODERATE):
        raise Http404
    try:
        return Evaluation.objects.visible_to(user).select_related("unit").get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


def _moderation(request: StaffRequest, *, status: int = 200, errors: list[str] | None = None) -> HttpResponse:
    user = request.user
    pending = (
        Evaluation.objects.visible_to(user)
        .filter(comment_status=CommentStatus.PENDING)
        .select_related("unit", "campaign")
        .order_by("created_at")[:100]
    )
    # One form per comment, its ids carrying the comment's number: the page has one per row.
    rows = [(e, rules.may_moderate(user, e), forms.ModerateForm(auto_id=f"id_{e.pk}_%s")) for e in pending]
    context = {"pending": rows, "errors": errors or []}
    return render(request, "evaluation/moderation.html", context, status=status)


@login_required
@permission_required(MODERATE, raise_exception=True)
def moderation(request: StaffRequest) -> HttpResponse:
    staff_or_403(request)
    return _moderation(request)


@login_required
@require_POST
def moderate(request: StaffRequest, pk: int) -> HttpResponse:
    """Show a comment or keep it hidden: 403 with the reason when not this person's, 409
    when moderated already, 400 without a decision."""
    evaluation = get_evaluation_for_moderator(request, pk)
    enforce(rules.may_moderate(request.user, evaluation))
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        return _moderation(request, status=400, errors=[_("Choose whether to show the comment.")])
    actions.do_moderate(
        evaluation,
        by=request.user,
        approve=form.cleaned_data["decision"] == "approve",
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("The comment is moderated."))
    return redirect("evaluation:moderation")


# Invitations and surveys -------------------------------------------------------------------


@login_required
@permission_required(INVITE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Give a person served the code (and link) to evaluate their case or visit."""
    user = staff_or_403(request)
    form = forms.InviteForm(request.POST or None, user=user)
    context: dict[str, Any] = {"form": form, "verdict": rules.may_invite(user)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "evaluation/invite.html", context, status=400)
        data = form.cleaned_data
        visit = data["visit"]
        invitation, _created = actions.do_invite(
            campaign=data["campaign"],
            by=user,
            application=None if visit else data["application"],
            visit=visit,
        )
        context["invitation"] = invitation
        context["link"] = public_url(reverse("evaluation:served", args=[invitation.code]))
    return render(request, "evaluation/invite.html", context)


@login_required
@permission_required(MANAGE_SURVEYS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def surveys(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request)
    form = forms.SurveyForm(request.POST or None, user=user)
    questions = forms.QuestionFormSet(request.POST or None, prefix="q")
    if request.method == "POST":
        if form.is_valid() and questions.is_valid():
            data = {k: form.cleaned_data[k] for k in ("title", "introduction", "opens_on", "closes_on")}
            try:
                created = actions.do_create_survey(
                    campaign=form.cleaned_data["campaign"],
                    by=user,
                    data=data,
                    units=form.cleaned_data["units"],
                    questions=forms.questions_of(questions),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Survey %(title)s is saved.") % {"title": created.title})
                return redirect("evaluation:surveys")
        status = 400
    else:
        status = 200
    listed = Survey.objects.visible_to(user).annotate(responses_count=Count("responses")).select_related("campaign")
    context = {
        "form": form,
        "questions": questions,
        "surveys": listed,
        "today": clock.today(),
        "verdict": rules.may_manage_surveys(user),
    }
    return render(request, "evaluation/surveys.html", context, status=status)


# Talks -----------------------------------------------------------------------------------


def get_talk_for_user(request: HttpRequest, pk: int) -> Talk:
    """The content of a talk: only for its two people and inspectors."""
    user = staff_or_403(request)
    try:
        return Talk.objects.readable_by(user).select_related("leader", "counterpart", "unit").get(pk=pk)
    except Talk.DoesNotExist:
        raise Http404 from None


def _next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


PUBLIC_TALK_MONTHS = 12


@require_http_methods(["GET"])
def public_talks(request: HttpRequest) -> HttpResponse:
    """How many talks (谈心谈话) each unit held per month, for everyone: the counts are
    public, the records stay confidential (no names, topics or content here)."""
    district = _public_district(request)
    last = clock.today().replace(day=1)
    months = [last]
    for _month in range(PUBLIC_TALK_MONTHS - 1):
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    counts: dict[tuple[int | None, dt.date], int] = {}
    for unit_id, held_on, n in (
        Talk.objects.filter(district=district, held_on__gte=months[0], held_on__lt=_next_month(last))
        .values("unit_id", "held_on")
        .annotate(n=Count("id"))
        .values_list("unit_id", "held_on", "n")
    ):
        key = (unit_id, held_on.replace(day=1))
        counts[key] = counts.get(key, 0) + n
    units = list(
        Department.objects.filter(pk__in={unit_id for unit_id, _m in counts if unit_id is not None}).order_by("code")
    )
    rows = [(unit, [counts.get((unit.pk, m), 0) for m in months]) for unit in units]
    if any(unit_id is None for unit_id, _m in counts):
        rows.append((None, [counts.get((None, m), 0) for m in months]))
    return render(request, "evaluation/public_talks.html", {"district": district, "months": months, "rows": rows})


@login_required
def talks(request: HttpRequest) -> HttpResponse:
    """Everybody sees counts per unit for a month and the unit heads behind the rule;
    the talks themselves are listed only to those who may read them."""
    user = staff_or_403(request)
    month_form = forms.MonthForm(request.GET)
    first = month_form.cleaned_data["month"] if month_form.is_valid() else clock.today().replace(day=1)
    end = _next_month(first)
    in_month = Talk.objects.visible_to(user).filter(held_on__gte=first, held_on__lt=end)
    counts = in_month.values("unit__code", "unit__name").annotate(n=Count("id")).order_by("unit__code")
    rule = setting("EVALUATION_TALKS_PER_MONTH")
    behind = (
        User.objects.filter(
            district=user.district, kind=User.Kind.STAFF, is_active=True, groups__name=Role.UNIT_HEAD.value
        )
        .annotate(n=Count("talks_led", filter=Q(talks_led__held_on__gte=first, talks_led__held_on__lt=end)))
        .filter(n__lt=rule)
        .select_related("department")
        .order_by("department__code")
    )
    readable = Talk.objects.readable_by(user).select_related("leader", "counterpart")[:100]
    context = {
        "month_form": month_form,
        "first": first,
        "counts": counts,
        "total": sum(c["n"] for c in counts),
        "rule": rule,
        "behind": behind,
        "readable": readable,
        "may_record": rules.may_record_talk(user),
    }
    return render(request, "evaluation/talks.html", context, status=200 if month_form.is_valid() else 400)


@login_required
@permission_required(RECORD_TALK, raise_exception=True)
@require_http_methods(["GET", "POST"])
def talk_new(request: HttpRequest) -> HttpResponse:
    user = staff_or_403(request)
    form = forms.TalkForm(request.POST or None, user=user)

    def act(data: dict[str, Any]) -> Talk:
        return actions.do_record_talk(
            by=user,
            counterpart=data["counterpart"],
            held_on=data["held_on"],
            topic=data["topic"],
            content=data["content"],
            follow_up=data["follow_up"],
            campaign=data["campaign"],
        )

    context = {"form": form, "verdict": rules.may_record_talk(user)}
    return _one_form(
        request,
        "evaluation/talk_new.html",
        context,
        act=act,
        message=_("The talk is recorded."),
        done="evaluation:talk",
    )


@login_required
@require_http_methods(["GET", "POST"])
def talk(request: AuthedRequest, pk: int) -> HttpResponse:
    the_talk = get_talk_for_user(request, pk)
    verdict = rules.may_update_follow_up(request.user, the_talk)
    form = forms.FollowUpForm(request.POST or None, initial={"follow_up": the_talk.follow_up})
    context = {"talk": the_talk, "form": form, "verdict": verdict}
    if request.method == "POST":
        enforce(verdict)
        if form.is_valid():
            actions.do_update_follow_up(the_talk, by=request.user, follow_up=form.cleaned_data["follow_up"])
            messages.success(request, _("The follow-up is saved."))
            return redirect("evaluation:talk", pk=the_talk.pk)
        return render(request, "evaluation/talk.html", context, status=400)
    return render(request, "evaluation/talk.html", context)


# The column (staff) -------------------------------------------------------------------------


def get_article_for_user(request: HttpRequest, pk: int) -> ColumnArticle:
    user = staff_or_403(request)
    try:
        return (
            ColumnArticle.objects.readable_by(user, clock.today()).select_related("unit", "batch", "author").get(pk=pk)
        )
    except ColumnArticle.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def columns(request: HttpRequest) -> HttpResponse:
    """The column desk: one's own articles, what awaits review, the batches."""
    user = staff_or_403(request, WRITE_COLUMN, REVIEW_COLUMN)
    review = rules.may_review_column(user, user.district_id)
    batch_form = forms.BatchForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        enforce(review)
        if batch_form.is_valid():
            try:
                actions.do_create_batch(by=user, **batch_form.cleaned_data)
            except ValidationError as error:
                batch_form.add_error(None, error)
            else:
                messages.success(request, _("The batch is scheduled."))
                return redirect("evaluation:columns")
        status = 400
    articles = ColumnArticle.objects.readable_by(user, clock.today()).select_related("unit", "batch", "author")
    batches = ColumnBatch.objects.visible_to(user).annotate(n=Count("articles")).select_related("campaign")
    context = {
        "articles": articles,
        "batches": batches,
        "batch_form": batch_form,
        "today": clock.today(),
        "may_write": rules.may_write_article(user),
        "may_review": review,
    }
    return render(request, "evaluation/columns.html", context, status=status)


@login_required
@permission_required(WRITE_COLUMN, raise_exception=True)
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = staff_or_403(request)
    article = get_article_for_user(request, pk) if pk else None
    if article is not None and article.author_id != user.pk:
        raise Http404
    verdict = rules.may_write_article(user) if article is None else rules.may_revise_article(user, article)
    form = forms.ArticleForm(request.POST or None, instance=article)
    if article is None:
        form.fields["campaign"] = forms.campaign_field(user)
        form.order_fields(["campaign", *forms.ArticleForm.Meta.fields])
    context = {"form": form, "article": article, "verdict": verdict}

    def act(data: dict[str, Any]) -> ColumnArticle:
        return actions.do_save_article(
            article,
            by=user,
            campaign=data.get("campaign") or (article.campaign if article else None),
            data={name: data[name] for name in forms.ArticleForm.Meta.fields},
        )

    return _one_form(
        request,
        "evaluation/article_edit.html",
        context,
        act=act,
        message=_("The article is saved."),
        done="evaluation:article",
    )


@login_required
@require_http_methods(["GET", "POST"])
def article(request: AuthedRequest, pk: int) -> HttpResponse:
    """The staff view of an article, with submit (author) and review (reviewer): 403 with
    the reason when not this person's act, 409 when handled already, 400 on bad input."""
    the_article = get_article_for_user(request, pk)
    user = request.user
    act = request.POST.get("act")
    review = forms.ReviewArticleForm(request.POST if act == "review" else None, article=the_article)
    status = 200
    if request.method == "POST":
        if act == "submit":
            actions.do_submit_article(the_article, by=user)
            messages.success(request, _("The article is submitted for review."))
            return redirect("evaluation:article", pk=the_article.pk)
        if act != "review":
            raise Http404
        enforce(rules.may_review_article(user, the_article))
        status = 400
        if review.is_valid():
            data = review.cleaned_data
            try:
                actions.do_review_article(
                    the_article, by=user, approve=data["decision"] == "approve", batch=data["batch"], note=data["note"]
                )
            except ValidationError as error:
                review.add_error(None, error)
            else:
                messages.success(request, _("The review is recorded."))
                return redirect("evaluation:article", pk=the_article.pk)
    context = {
        "article": the_article,
        "review": review,
        "submit": rules.may_submit_article(user, the_article),
        "revise": rules.may_revise_article(user, the_article),
        "may_review": rules.may_review_article(user, the_article),
        "released": the_article.status == ArticleStatus.APPROVED
        and the_article.batch is not None
        and the_article.batch.release_on <= clock.today(),
    }
    return render(request, "evaluation/article.html", context, status=status)


# Research reports -------------------------------------------------------------------------


def get_report_for_user(request: HttpRequest, pk: int) -> ResearchReport:
    user = staff_or_403(request)
    try:
        return ResearchReport.objects.readable_by(user).select_related("unit", "submitted_by", "campaign").get(pk=pk)
    except ResearchReport.DoesNotExist:
        raise Http404 from None


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """The unit's reports, or for reviewers every unit's, with the per-unit counts."""
    user = staff_or_403(request, SUBMIT_REPORT, REVIEW_REPORT)
    campaign, campaigns = _campaign_choice(request, user)
    listed = ResearchReport.objects.readable_by(user).select_related("unit", "campaign")
    if campaign is not None:
        listed = listed.filter(campaign=campaign)
    least, most = setting("EVALUATION_REPORTS_MIN_PER_UNIT"), setting("EVALUATION_REPORTS_MAX_PER_UNIT")
    per_unit: list[Any] = []
    if campaign is not None and user.has_perm(REVIEW_REPORT):
        per_unit = list(Department.objects.visible_to(user).order_by("code"))
        counted = dict(
            ResearchReport.objects.filter(campaign=campaign)
            .counting()
            .values_list("unit_id")
            .annotate(n=Count("id"))
            .values_list("unit_id", "n")
        )
        for unit in per_unit:
            unit.n = counted.get(unit.pk, 0)
    context = {
        "campaign": campaign,
        "campaigns": campaigns,
        "reports": listed,
        "per_unit": per_unit,
        "least": least,
        "most": most,
        "may_submit": rules.may_submit_report(user, None),
    }
    return render(request, "evaluation/reports.html", context)


@login_required
@permission_required(SUBMIT_REPORT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """A unit's new report, for the campaign chosen (``?campaign=``, else the latest): the
    button is refused with the reason once the unit has submitted the most allowed."""
    user = staff_or_403(request)
    form = forms.ReportForm(request.POST or None, user=user, initial={"campaign": request.GET.get("campaign")})
    campaigns = form.fields["campaign"].queryset  # type: ignore[attr-defined]
    wanted = request.POST.get("campaign") or request.GET.get("campaign") or ""
    campaign = campaigns.filter(pk=wanted).first() if wanted.isdigit() else campaigns.first()
    verdict = rules.may_submit_report(user, campaign)
    context = {"form": form, "verdict": verdict}

    def act(data: dict[str, Any]) -> ResearchReport:
        return actions.do_submit_report(
            campaign=data["campaign"],
            by=user,
            title=data["title"],
            contradiction=data["contradiction"],
            body=data["body"],
        )

    return _one_form(
        request,
        "evaluation/report_new.html",
        context,
        act=act,
        message=_("The report is submitted."),
        done="evaluation:report",
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    the_report = get_report_for_user(request, pk)
    verdict = rules.may_review_report(request.user, the_report)
    form = forms.ReviewReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        enforce(verdict)
        status = 400
        if form.is_valid():
            actions.do_review_report(
                the_report,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The review is recorded."))
            return redirect("evaluation:report", pk=the_report.pk)
    context = {"report": the_report, "form": form, "may_review": verdict}
    return render(request, "evaluation/report.html", context, status=status)
