"""Every write of public evaluation, talks, the column and research reports: one function,
one transaction, with its audit entry.

Who may act: each ``do_*`` enforces its predicate of ``rules`` first (403 with the
reason, or 409 when it was done already).

Repeats and races: one public evaluation per unit, day and device, one survey response
per unit and device, and one evaluation per invitation are unique constraints, so a
double click or two tabs give ``Conflict`` (409) instead of a second row. Reviews and
moderation are conditional UPDATEs: of two people acting at once exactly one wins. The
abuse limits of the public channels answer ``TooMany`` (429).
"""

import datetime as dt
import hashlib
import hmac
import secrets
import zlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dgov.accounts.models import Department, User
from dgov.audit.trail import record
from dgov.evaluation import rules
from dgov.evaluation.models import (
    ArticleStatus,
    Channel,
    ColumnArticle,
    ColumnBatch,
    CommentStatus,
    Evaluation,
    Invitation,
    LimitLock,
    Question,
    ReportStatus,
    ResearchReport,
    Score,
    Survey,
    Talk,
    setting,
)
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.personal import mask_text
from dgov.lib.rules import enforce

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Stripes of the abuse-limit lock per kind (address, device): see LimitLock.
LOCK_STRIPES = 1024


class TooMany(Exception):
    """An abuse limit of the public channels was reached: answered 429."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def keyed(value: str) -> str:
    """A keyed hash: lets the abuse limits compare devices and addresses without keeping them."""
    if not value:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _lock_limits(device: str, address: str) -> None:
    """Inside the transaction that writes the evaluation: lock the address's and the
    device's stripe (an UPDATE, so SQLite serialises too), always in the same order."""
    stripes = sorted(
        {
            zlib.crc32(value.encode()) % LOCK_STRIPES + offset
            for value, offset in ((address, 0), (device, LOCK_STRIPES))
            if value
        }
    )
    for stripe in stripes:
        if not LimitLock.objects.filter(stripe=stripe).update(hits=F("hits") + 1):
            LimitLock.objects.get_or_create(stripe=stripe)
            LimitLock.objects.filter(stripe=stripe).update(hits=F("hits") + 1)


def _check_limits(device: str, address: str) -> None:
    since = clock.now() - dt.timedelta(minutes=setting("EVALUATION_LIMIT_WINDOW_MINUTES"))
    recent = Evaluation.objects.filter(created_at__gte=since)
    if address and recent.filter(address=address).count() >= setting("EVALUATION_MAX_PER_ADDRESS"):
        raise TooMany(_("Too many evaluations from your address. Please try again later."))
    if device and recent.filter(device=device).count() >= setting("EVALUATION_MAX_PER_DEVICE"):
        raise TooMany(_("Too many evaluations from this device. Please try again later."))


def _save(evaluation: Evaluation, scores: list[Score], duplicate: str, *, limited: bool = False) -> Evaluation:
    """``limited``: count the address's and device's recent evaluations under a lock,
    in the transaction that writes this one (no count-then-insert race)."""
    # Comments are written to be published: ID and phone numbers typed into them are masked.
    evaluation.comment = mask_text(evaluation.comment.strip())
    evaluation.comment_status = CommentStatus.PENDING if evaluation.comment else CommentStatus.NONE
    try:
        with transaction.atomic():
            if limited:
                _lock_limits(evaluation.device, evaluation.address)
                _check_limits(evaluation.device, evaluation.address)
            evaluation.save()
            for score in scores:
                score.evaluation = evaluation
            Score.objects.bulk_create(scores)
    except IntegrityError:
        raise Conflict(duplicate) from None
    return evaluation


def do_evaluate_public(
    *,
    campaign: Any,
    unit: Department,
    scores: Mapping[str, int],
    comment: str,
    device: str,
    address: str,
    today: dt.date | None = None,
) -> Evaluation:
    """社会评议: anyone rates a unit of the campaign's district on each measure; once per
    unit, day and device."""
    enforce(rules.may_evaluate_public(None, campaign, unit))
    evaluation = Evaluation(
        district_id=campaign.district_id,
        campaign=campaign,
        unit=unit,
        channel=Channel.PUBLIC,
        comment=comment,
        day=today or clock.today(),
        device=device,
        address=address,
    )
    return _save(
        evaluation,
        [Score(measure=measure, value=value) for measure, value in scores.items()],
        _("You have already evaluated this unit today."),
        limited=True,
    )


def do_evaluate_served(*, invitation: Invitation, scores: Mapping[str, int], comment: str) -> Evaluation:
    """服务对象测评: the person served answers the invitation; once per invitation."""
    enforce(rules.may_evaluate_served(None, invitation))
    evaluation = Evaluation(
        district_id=invitation.district_id,
        campaign_id=invitation.campaign_id,
        unit_id=invitation.unit_id,
        channel=Channel.SERVED,
        invitation=invitation,
        comment=comment,
        day=clock.today(),
    )
    return _save(
        evaluation,
        [Score(measure=measure, value=value) for measure, value in scores.items()],
        _("This invitation has already been used."),
    )


def do_answer_survey(
    *,
    survey: Survey,
    unit: Department,
    answers: Mapping[Question, int],
    comment: str,
    device: str,
    address: str,
    today: dt.date | None = None,
) -> Evaluation:
    """群众满意度测评: one response per survey, unit and device, only while it is open."""
    today = today or clock.today()
    enforce(rules.may_answer_survey(None, survey, today))
    if not survey.unit_choices().filter(pk=unit.pk).exists():
        raise ValidationError(_("This unit is not evaluated in this survey."))
    for question, value in answers.items():
        low, high = question.bounds
        if question.survey_id != survey.pk or not low <= value <= high:
            raise ValidationError(_("An answer is outside its scale."))
    evaluation = Evaluation(
        district_id=survey.district_id,
        campaign_id=survey.campaign_id,
        unit=unit,
        channel=Channel.SURVEY,
        survey=survey,
        comment=comment,
        day=today,
        device=device,
        address=address,
    )
    return _save(
        evaluation,
        [Score(question=question, value=value) for question, value in answers.items()],
        _("You have already answered this survey for this unit."),
        limited=True,
    )


def do_moderate(evaluation: Evaluation, *, by: User, approve: bool, reason: str = "") -> None:
    """Show a comment publicly or keep it hidden; audited either way."""
    enforce(rules.may_moderate(by, evaluation))
    to = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    now = clock.now()
    with transaction.atomic():
        changed = Evaluation.objects.filter(pk=evaluation.pk, comment_status=CommentStatus.PENDING).update(
            comment_status=to, moderated_by=by, moderated_at=now, moderation_reason=reason
        )
        if changed != 1:
            raise Conflict(_("This comment was already moderated."))
        record(
            "evaluation.moderate",
            evaluation,
            actor=by,
            changes={
                "comment_status": [CommentStatus.PENDING.value, to.value],
                **({"reason": reason} if reason else {}),
            },
        )
    evaluation.comment_status, evaluation.moderated_by, evaluation.moderated_at = to, by, now


def do_invite(*, campaign: Any, by: User, application: Any = None, visit: Any = None) -> tuple[Invitation, bool]:
    """The invitation for one case or one visit: created once, then the same one returned."""
    case = application if application is not None else visit.application
    enforce(rules.may_invite(by, campaign, case))
    lookup = {"application": application} if application is not None else {"visit": visit}
    existing = Invitation.objects.filter(campaign=campaign, **lookup).first()
    if existing is not None:
        return existing, False
    for _attempt in range(5):
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    district_id=case.district_id,
                    campaign=campaign,
                    unit_id=case.department_id,
                    code=code,
                    created_by=by,
                    **lookup,
                )
                record(
                    "evaluation.invite",
                    invitation,
                    actor=by,
                    changes={"application": case.number, **({"visit": visit.pk} if visit is not None else {})},
                )
                return invitation, True
        except IntegrityError:
            existing = Invitation.objects.filter(campaign=campaign, **lookup).first()
            if existing is not None:
                return existing, False
    raise RuntimeError("could not allocate an invitation code")


@transaction.atomic
def do_create_survey(
    *, campaign: Any, by: User, data: Mapping[str, Any], units: Any, questions: list[tuple[str, str]]
) -> Survey:
    enforce(rules.may_create_survey(by, campaign))
    if not questions:
        raise ValidationError(_("A survey needs at least one question."))
    survey = Survey.objects.create(district_id=campaign.district_id, campaign=campaign, created_by=by, **data)
    survey.units.set(units)
    Question.objects.bulk_create(
        Question(survey=survey, position=n, text=text, scale=scale) for n, (text, scale) in enumerate(questions, 1)
    )
    record(
        "evaluation.survey_create",
        survey,
        actor=by,
        changes={
            "title": survey.title,
            "questions": len(questions),
            "period": [str(survey.opens_on), str(survey.closes_on)],
        },
    )
    return survey


# Talks ----------------------------------------------------------------------------------


@transaction.atomic
def do_record_talk(
    *,
    by: User,
    counterpart: User,
    held_on: dt.date,
    topic: str,
    content: str,
    follow_up: str = "",
    campaign: Any = None,
) -> Talk:
    """The leader records a talk held. The audit entry names the two people and the date,
    never the content (talks are confidential)."""
    enforce(rules.may_record_talk(by))
    assert by.district_id is not None  # may_record_talk: staff of a district
    if counterpart.pk == by.pk:
        raise ValidationError(_("A talk is held with somebody else."))
    if counterpart.district_id != by.district_id:
        raise ValidationError(_("This person belongs to another district."))
    talk = Talk.objects.create(
        district_id=by.district_id,
        campaign=campaign,
        unit_id=by.department_id,
        leader=by,
        counterpart=counterpart,
        held_on=held_on,
        topic=topic,
        content=content,
        follow_up=follow_up,
    )
    record("evaluation.talk_record", talk, actor=by, changes={"with": counterpart.pk, "held_on": str(held_on)})
    return talk


@transaction.atomic
def do_update_follow_up(talk: Talk, *, by: User, follow_up: str) -> None:
    """Only the two people update the follow-up; the audit notes that it changed, not what."""
    enforce(rules.may_update_follow_up(by, talk))
    Talk.objects.filter(pk=talk.pk).update(follow_up=follow_up, updated_at=clock.now())
    talk.follow_up = follow_up
    record("evaluation.talk_follow_up", talk, actor=by, changes={"follow_up": "updated"})


# The column -------------------------------------------------------------------------------


@transaction.atomic
def do_create_batch(*, campaign: Any, by: User, number: int, release_on: dt.date) -> ColumnBatch:
    enforce(rules.may_review_column(by, campaign.district_id))
    try:
        with transaction.atomic():
            batch = ColumnBatch.objects.create(
                district_id=campaign.district_id, campaign=campaign, number=number, release_on=release_on
            )
    except IntegrityError:
        raise ValidationError(_("Batch %(number)s already exists.") % {"number": number}) from None
    record("evaluation.batch_create", batch, actor=by, changes={"number": number, "release_on": str(release_on)})
    return batch


@transaction.atomic
def do_save_article(
    article: ColumnArticle | None, *, by: User, campaign: Any, data: Mapping[str, Any]
) -> ColumnArticle:
    """Write or revise the unit head's own article (a draft or a returned one)."""
    enforce(rules.may_write_article(by) if article is None else rules.may_revise_article(by, article))
    if article is None:
        assert by.district_id is not None and by.department_id is not None  # may_write_article: a unit's head
        article = ColumnArticle.objects.create(
            district_id=by.district_id, campaign=campaign, unit_id=by.department_id, author=by, **data
        )
        record("evaluation.article_create", article, actor=by, changes={"title": article.title})
        return article
    changed = ColumnArticle.objects.filter(pk=article.pk, status__in=rules.EDITABLE).update(
        updated_at=clock.now(), **data
    )
    if changed != 1:
        raise Conflict(_("This article is under review or approved and can no longer be changed."))
    for name, value in data.items():
        setattr(article, name, value)
    record("evaluation.article_revise", article, actor=by, changes={"title": article.title})
    return article


def _move_article(article: ColumnArticle, *, by: User, allowed: list[str], to: str, verb: str, **fields: Any) -> None:
    changed = ColumnArticle.objects.filter(pk=article.pk, status__in=allowed).update(
        status=to, updated_at=clock.now(), **fields
    )
    if changed != 1:
        raise Conflict(_("This article was already handled by someone else."))
    before = article.status
    article.status = to
    for name, value in fields.items():
        setattr(article, name, value)
    record(f"evaluation.article_{verb}", article, actor=by, changes={"status": [before, to]})


@transaction.atomic
def do_submit_article(article: ColumnArticle, *, by: User) -> None:
    enforce(rules.may_submit_article(by, article))
    _move_article(article, by=by, allowed=list(rules.EDITABLE), to=ArticleStatus.SUBMITTED, verb="submit")


@transaction.atomic
def do_review_article(
    article: ColumnArticle, *, by: User, approve: bool, batch: ColumnBatch | None = None, note: str = ""
) -> None:
    """Approve into a batch (released on the batch's date) or return with a note."""
    enforce(rules.may_review_article(by, article))
    if approve:
        if batch is None or batch.campaign_id != article.campaign_id:
            raise ValidationError(_("Choose the batch the article is released in."))
        _move_article(
            article,
            by=by,
            allowed=[ArticleStatus.SUBMITTED],
            to=ArticleStatus.APPROVED,
            verb="approve",
            batch=batch,
            reviewed_by=by,
            review_note=note,
        )
    else:
        if not note.strip():
            raise ValidationError(_("Say what is to be revised."))
        _move_article(
            article,
            by=by,
            allowed=[ArticleStatus.SUBMITTED],
            to=ArticleStatus.RETURNED,
            verb="return",
            reviewed_by=by,
            review_note=note,
        )


# Research reports -------------------------------------------------------------------------


@transaction.atomic
def do_submit_report(*, campaign: Any, by: User, title: str, contradiction: str, body: str) -> ResearchReport:
    """Submit a report for the author's unit, within the length and per-unit limits.
    The unit's row is locked so two submissions at once cannot pass the limit together:
    the predicate is asked again under the lock."""
    enforce(rules.may_submit_report(by, campaign))
    limit = setting("EVALUATION_REPORT_MAX_CHARS")
    if len(body) > limit:
        raise ValidationError(
            _("A report has at most %(limit)s characters; this one has %(count)s.")
            % {"limit": limit, "count": len(body)}
        )
    unit = Department.objects.select_for_update().get(pk=by.department_id)
    refused = rules.may_submit_report(by, campaign)
    if not refused:
        raise Conflict(refused.reason)  # the limit was reached by a submission a moment ago
    report = ResearchReport.objects.create(
        district_id=campaign.district_id,
        campaign=campaign,
        unit=unit,
        title=title,
        contradiction=contradiction,
        body=body,
        submitted_by=by,
    )
    record("evaluation.report_submit", report, actor=by, changes={"title": title, "characters": len(body)})
    return report


@transaction.atomic
def do_review_report(report: ResearchReport, *, by: User, accept: bool, note: str = "") -> None:
    enforce(rules.may_review_report(by, report))
    if not accept and not note.strip():
        raise ValidationError(_("Say what is to be revised."))
    to = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    changed = ResearchReport.objects.filter(pk=report.pk, status=ReportStatus.SUBMITTED).update(
        status=to, reviewed_by=by, review_note=note, updated_at=clock.now()
    )
    if changed != 1:
        raise Conflict(_("This report was already reviewed."))
    record("evaluation.report_review", report, actor=by, changes={"status": [report.status, to.value]})
    report.status, report.reviewed_by, report.review_note = to, by, note
