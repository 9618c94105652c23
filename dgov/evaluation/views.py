"""Pages of public evaluation, talks, the column and research reports.

Public pages (phone-friendly, ``public_base.html``): evaluate a unit, answer an invitation
or a survey, read the released column. Staff pages check a permission and fetch protected
rows through one ``get_*_for_user`` accessor each (404 alike for missing and forbidden).
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dgov.accounts.models import Department, District, User
from dgov.accounts.roles import Role
from dgov.campaigns.models import Campaign
from dgov.evaluation import actions, forms, results
from dgov.evaluation.models import (
    ArticleStatus,
    Channel,
    ColumnArticle,
    ColumnBatch,
    CommentStatus,
    Evaluation,
    Invitation,
    ReportStatus,
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
from dgov.lib.links import public_url
from dgov.lib.ratelimit import RateLimit, client_address
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


def _staff(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.kind != User.Kind.STAFF or user.district_id is None:
        raise PermissionDenied
    return user


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


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
            except actions.Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
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


def _invitation(request: HttpRequest, code: str) -> Invitation:
    address = _address(request)
    if not CODE_LIMIT.take(address):
        raise actions.Refused(_("Too many wrong codes from your address. Please try again in 10 minutes."), 429)
    invitation = Invitation.objects.filter(code=code.strip().upper()).select_related("unit", "campaign").first()
    if invitation is None:
        raise actions.Refused(_("No invitation has this code."), 404)
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
    except actions.Refused as refusal:
        return render(
            request,
            "evaluation/served_start.html",
            {"form": forms.CodeForm(), "refusal": refusal},
            status=refusal.status,
        )
    used = Evaluation.objects.filter(invitation=invitation).exists()
    form = forms.EvaluateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if used:
            status = 409
        elif form.is_valid():
            try:
                actions.do_evaluate_served(
                    invitation=invitation, scores=form.scores(), comment=form.cleaned_data["comment"]
                )
            except actions.Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                messages.success(request, _("Thank you. Your evaluation is recorded."))
                return redirect("evaluation:served", code=invitation.code)
        else:
            status = 400
    used = used or Evaluation.objects.filter(invitation=invitation).exists()
    return render(
        request, "evaluation/served.html", {"invitation": invitation, "form": form, "used": used}, status=status
    )


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    """群众满意度测评: only while the survey is open; one response per unit and device."""
    the_survey = get_object_or_404(Survey.objects.select_related("campaign"), pk=pk)
    if not the_survey.is_open(clock.today()):
        return render(request, "evaluation/survey.html", {"survey": the_survey, "closed": True}, status=403)
    form = forms.SurveyAnswerForm(request.POST or None, survey=the_survey)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_answer_survey(
                    survey=the_survey,
                    unit=form.cleaned_data["unit"],
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    device=_device(request),
                    address=_address(request),
                )
            except actions.Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                messages.success(request, _("Thank you. Your answers are recorded."))
                return redirect("evaluation:survey", pk=the_survey.pk)
        else:
            status = 400
    return render(request, "evaluation/survey.html", {"survey": the_survey, "form": form}, status=status)


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
    user = _staff(request)
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
def results_export(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    campaign, _campaigns = _campaign_choice(request, user)
    if campaign is None:
        raise Http404
    channel = request.GET.get("channel", "")
    table = results.rows(campaign, channel if channel in Channel.values else "")
    response = HttpResponse(
        results.export(campaign, table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluation-{campaign.pk}.xlsx"'
    return response


def get_evaluation_for_moderator(request: HttpRequest, pk: int) -> Evaluation:
    user = _staff(request)
    if not user.has_perm(MODERATE):
        raise Http404
    try:
        return Evaluation.objects.visible_to(user).select_related("unit").get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required(MODERATE, raise_exception=True)
def moderation(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    pending = (
        Evaluation.objects.visible_to(user)
        .filter(comment_status=CommentStatus.PENDING)
        .select_related("unit", "campaign")
        .order_by("created_at")[:100]
    )
    return render(request, "evaluation/moderation.html", {"pending": pending, "form": forms.ModerateForm()})


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_for_moderator(request, pk)
    form = forms.ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to show the comment."))
        return redirect("evaluation:moderation")
    try:
        actions.do_moderate(
            evaluation,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except actions.Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("evaluation:moderation")
    messages.success(request, _("The comment is moderated."))
    return redirect("evaluation:moderation")


# Invitations and surveys -------------------------------------------------------------------


@login_required
@permission_required(INVITE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Give a person served the code (and link) to evaluate their case or visit."""
    user = _staff(request)
    form = forms.InviteForm(request.POST or None, user=user)
    context: dict[str, Any] = {"form": form}
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
    user = _staff(request)
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
    context = {"form": form, "questions": questions, "surveys": listed, "today": clock.today()}
    return render(request, "evaluation/surveys.html", context, status=status)


# Talks -----------------------------------------------------------------------------------


def get_talk_for_user(request: HttpRequest, pk: int) -> Talk:
    """The content of a talk: only for its two people and inspectors."""
    user = _staff(request)
    try:
        return Talk.objects.readable_by(user).select_related("leader", "counterpart", "unit").get(pk=pk)
    except Talk.DoesNotExist:
        raise Http404 from None


def _next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@login_required
def talks(request: HttpRequest) -> HttpResponse:
    """Everybody sees counts per unit for a month and the unit heads behind the rule;
    the talks themselves are listed only to those who may read them."""
    user = _staff(request)
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
        "may_record": user.has_perm(RECORD_TALK),
    }
    return render(request, "evaluation/talks.html", context, status=200 if month_form.is_valid() else 400)


@login_required
@permission_required(RECORD_TALK, raise_exception=True)
@require_http_methods(["GET", "POST"])
def talk_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = forms.TalkForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            talk = actions.do_record_talk(
                by=user,
                counterpart=data["counterpart"],
                held_on=data["held_on"],
                topic=data["topic"],
                content=data["content"],
                follow_up=data["follow_up"],
                campaign=data["campaign"],
            )
            messages.success(request, _("The talk is recorded."))
            return redirect("evaluation:talk", pk=talk.pk)
        return render(request, "evaluation/talk_new.html", {"form": form}, status=400)
    return render(request, "evaluation/talk_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def talk(request: HttpRequest, pk: int) -> HttpResponse:
    the_talk = get_talk_for_user(request, pk)
    is_party = request.user.pk in (the_talk.leader_id, the_talk.counterpart_id)
    form = forms.FollowUpForm(request.POST or None, initial={"follow_up": the_talk.follow_up})
    if request.method == "POST":
        if not is_party:
            raise PermissionDenied
        if form.is_valid():
            actions.do_update_follow_up(the_talk, by=request.user, follow_up=form.cleaned_data["follow_up"])
            messages.success(request, _("The follow-up is saved."))
            return redirect("evaluation:talk", pk=the_talk.pk)
        return render(
            request, "evaluation/talk.html", {"talk": the_talk, "form": form, "is_party": is_party}, status=400
        )
    return render(request, "evaluation/talk.html", {"talk": the_talk, "form": form, "is_party": is_party})


# The column (staff) -------------------------------------------------------------------------


def get_article_for_user(request: HttpRequest, pk: int) -> ColumnArticle:
    user = _staff(request)
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
    user = _staff(request)
    if not (user.has_perm(WRITE_COLUMN) or user.has_perm(REVIEW_COLUMN)):
        raise PermissionDenied
    batch_form = forms.BatchForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if not user.has_perm(REVIEW_COLUMN):
            raise PermissionDenied
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
        "may_write": user.has_perm(WRITE_COLUMN),
        "may_review": user.has_perm(REVIEW_COLUMN),
    }
    return render(request, "evaluation/columns.html", context, status=status)


@login_required
@permission_required(WRITE_COLUMN, raise_exception=True)
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _staff(request)
    article = get_article_for_user(request, pk) if pk else None
    if article is not None and article.author_id != user.pk:
        raise Http404
    form = forms.ArticleForm(request.POST or None, instance=article)
    if article is None:
        form.fields["campaign"] = forms.campaign_field(user)
        form.order_fields(["campaign", *forms.ArticleForm.Meta.fields])
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in forms.ArticleForm.Meta.fields}
            try:
                saved = actions.do_save_article(
                    article,
                    by=user,
                    campaign=form.cleaned_data.get("campaign") or (article.campaign if article else None),
                    data=data,
                )
            except actions.Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                messages.success(request, _("The article is saved."))
                return redirect("evaluation:article", pk=saved.pk)
        return render(request, "evaluation/article_edit.html", {"form": form, "article": article}, status=status)
    return render(request, "evaluation/article_edit.html", {"form": form, "article": article})


@login_required
@require_http_methods(["GET", "POST"])
def article(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff view of an article, with submit (author) and review (reviewer)."""
    the_article = get_article_for_user(request, pk)
    user: User = request.user  # type: ignore[assignment]
    review = forms.ReviewArticleForm(request.POST if request.POST.get("act") == "review" else None, article=the_article)
    status = 200
    if request.method == "POST":
        act = request.POST.get("act")
        try:
            if act == "submit":
                actions.do_submit_article(the_article, by=user)
                messages.success(request, _("The article is submitted for review."))
                return redirect("evaluation:article", pk=the_article.pk)
            if act == "review":
                if not user.has_perm(REVIEW_COLUMN):
                    raise PermissionDenied
                if review.is_valid():
                    data = review.cleaned_data
                    actions.do_review_article(
                        the_article,
                        by=user,
                        approve=data["decision"] == "approve",
                        batch=data["batch"],
                        note=data["note"],
                    )
                    messages.success(request, _("The review is recorded."))
                    return redirect("evaluation:article", pk=the_article.pk)
                status = 400
            else:
                status = 400
        except actions.Refused as refusal:
            messages.error(request, refusal.message)
            status = refusal.status
        except ValidationError as error:
            review.add_error(None, error)
            status = 400
    context = {
        "article": the_article,
        "review": review,
        "is_author": the_article.author_id == user.pk,
        "may_review": user.has_perm(REVIEW_COLUMN) and the_article.status == ArticleStatus.SUBMITTED,
        "released": the_article.status == ArticleStatus.APPROVED
        and the_article.batch is not None
        and the_article.batch.release_on <= clock.today(),
    }
    return render(request, "evaluation/article.html", context, status=status)


# Research reports -------------------------------------------------------------------------


def get_report_for_user(request: HttpRequest, pk: int) -> ResearchReport:
    user = _staff(request)
    try:
        return ResearchReport.objects.readable_by(user).select_related("unit", "submitted_by", "campaign").get(pk=pk)
    except ResearchReport.DoesNotExist:
        raise Http404 from None


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """The unit's reports, or for reviewers every unit's, with the per-unit counts."""
    user = _staff(request)
    if not (user.has_perm(SUBMIT_REPORT) or user.has_perm(REVIEW_REPORT)):
        raise PermissionDenied
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
        "may_submit": user.has_perm(SUBMIT_REPORT),
    }
    return render(request, "evaluation/reports.html", context)


@login_required
@permission_required(SUBMIT_REPORT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = forms.ReportForm(request.POST or None, user=user)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = actions.do_submit_report(
                    campaign=data["campaign"],
                    by=user,
                    title=data["title"],
                    contradiction=data["contradiction"],
                    body=data["body"],
                )
            except actions.Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The report is submitted."))
                return redirect("evaluation:report", pk=report.pk)
        return render(request, "evaluation/report_new.html", {"form": form}, status=status)
    return render(request, "evaluation/report_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    the_report = get_report_for_user(request, pk)
    user: User = request.user  # type: ignore[assignment]
    may_review = user.has_perm(REVIEW_REPORT) and the_report.status == ReportStatus.SUBMITTED
    form = forms.ReviewReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not user.has_perm(REVIEW_REPORT):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                actions.do_review_report(
                    the_report,
                    by=user,
                    accept=form.cleaned_data["decision"] == "accept",
                    note=form.cleaned_data["note"],
                )
            except actions.Refused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                messages.success(request, _("The review is recorded."))
                return redirect("evaluation:report", pk=the_report.pk)
    context = {"report": the_report, "form": form, "may_review": may_review}
    return render(request, "evaluation/report.html", context, status=status)
