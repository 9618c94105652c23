"""The matrix's objects beyond cases and files (issue 19 §1): for each parameterised route
family a real object of the own department (SCJG, or the home district where an object has
no department), of another department (城管局) where the object has one, and of another
district. Built with ``objects.create`` on small rows (no demo load, no documents rendered),
once per module with the rest of the world.

``build(world)`` returns {kind: {variant: {route parameter: value}}}; the test fills a
route's parameters from its kind's dict (``tests/matrix/test_matrix.py``, ``OBJECTS``)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from dgov.lib import clock


def first_choice(model: Any, field: str) -> str:
    return str(model._meta.get_field(field).choices[0][0])


def build(w: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    from dgov.campaigns.models import Campaign, Problem, Publication, Task
    from dgov.campaigns.models import Event as CampaignEvent
    from dgov.evaluation.models import ColumnArticle, ResearchReport, Survey, Talk
    from dgov.events.models import ConcentratedStart, InvestmentEvent
    from dgov.exports.models import ExportJob
    from dgov.financing.models import Bank, FinancingNeed
    from dgov.funds.models import Commitment, Fund
    from dgov.investment.models import Park, Project, ResidentOffice
    from dgov.policies.models import EnterpriseProfile, Policy, PolicyStatus
    from dgov.secretaries.models import GreenChannelCase, Secretaryship
    from dgov.talent.models import Programme
    from dgov.training.models import Course

    today = clock.today()
    now = clock.now()
    users, cases, items = w["users"], w["cases"], w["items"]
    home, far = w["home"], w["far"]
    # Each variant's district and unit: the own department, another department of the
    # district, another district's market regulator.
    places = {"own": (home, w["scjg"]), "elsewhere": (home, w["cgj"]), "far": (far, w["far_scjg"])}
    far_staff = w["far_staff"]
    from dgov.accounts.models import User

    far_colleague = User.objects.create(username="matrix-far-colleague", kind=User.Kind.STAFF, district=far)
    inspector, leader = users["inspector"], users["district_leader"]

    def author(variant: str) -> Any:
        return far_staff if variant == "far" else inspector

    objects: dict[str, dict[str, dict[str, Any]]] = {}

    # Campaigns (解放思想大讨论): a campaign per district, a task, a problem, a unit's
    # publication, in each variant's unit.
    campaigns = {
        name: Campaign.objects.create(
            district=district, theme=f"大讨论{name}", starts_on=today, ends_on=today + dt.timedelta(days=90)
        )
        for name, district in (("home", home), ("far", far))
    }
    objects["campaign"], objects["task"], objects["problem"], objects["publication"] = {}, {}, {}, {}
    for variant, (_district, unit) in places.items():
        campaign = campaigns["far" if variant == "far" else "home"]
        due = today + dt.timedelta(days=30)
        task = Task.objects.create(
            campaign=campaign, number=f"T-{variant}", form="走出去招商", content="任务", due_on=due,
            original_due_on=due, lead_unit=unit,
        )  # fmt: skip
        problem = Problem.objects.create(
            campaign=campaign, unit=unit, problem="问题", root_cause="根源", measures="措施", due_on=due,
            original_due_on=due, responsible="负责人",
        )  # fmt: skip
        Publication.objects.create(campaign=campaign, unit=unit, published_on=today, published_by=author(variant))
        params = {"pk": campaign.pk, "unit_pk": unit.pk, "campaign_pk": campaign.pk, "campaign_id": campaign.pk}
        objects["campaign"][variant] = params | {"campaign": campaign.pk, "unit_code": unit.code, "code": unit.code}
        objects["publication"][variant] = objects["campaign"][variant]
        evidence = w["store"](author(variant), campaign.district)
        CampaignEvent.objects.create(
            task=task, by=author(variant), verb=first_choice(CampaignEvent, "verb")
        ).documents.add(evidence)
        objects.setdefault("evidence", {})[variant] = {"pk": evidence.pk}
        objects["task"][variant] = {"pk": task.pk}
        objects["problem"][variant] = {"pk": problem.pk}

    # Evaluation: a survey per campaign; a talk of the district leader; a report and a
    # column article of each unit.
    objects["survey"], objects["talk"], objects["report"], objects["article"] = {}, {}, {}, {}
    for variant, (district, unit) in places.items():
        campaign = campaigns["far" if variant == "far" else "home"]
        survey = Survey.objects.create(
            district=district, campaign=campaign, title="满意度调查", opens_on=today, closes_on=today + dt.timedelta(days=9),
            created_by=author(variant),
        )  # fmt: skip
        talk = Talk.objects.create(
            district=district, leader=far_staff if variant == "far" else leader,
            counterpart=far_colleague if variant == "far" else users["unit_head" if variant == "own" else "inspector"],
            held_on=today, topic="谈心", content="谈话内容", unit=unit,
        )  # fmt: skip
        report = ResearchReport.objects.create(
            district=district, campaign=campaign, unit=unit, title="调研报告", contradiction="矛盾", body="正文",
            submitted_by=author(variant),
        )  # fmt: skip
        article = ColumnArticle.objects.create(
            district=district, campaign=campaign, unit=unit, author=author(variant), title="专栏", task_goals="目标",
            basic_ideas="思路", key_measures="举措", guarantees="保障",
        )  # fmt: skip
        objects["survey"][variant] = {"pk": survey.pk}
        objects["talk"][variant] = {"pk": talk.pk}
        objects["report"][variant] = {"pk": report.pk}
        objects["article"][variant] = {"pk": article.pk}

    # Investment: a project (key, with the matrix secretary for the own one, another
    # secretary for the other one), a resident office and a park; funds and commitments;
    # investment events and concentrated starts; training courses; talent programmes and
    # policies of each unit; a bank and a financing need.
    kinds = (
        "project", "key_project", "office", "park", "fund", "commitment", "event", "start", "course", "programme",
        "policy", "bank", "need",
    )  # fmt: skip
    for kind in kinds:
        objects[kind] = {}
    for variant, (district, unit) in places.items():
        by = author(variant)
        project = Project.objects.create(
            district=district, name=f"项目{variant}", investor="泰盟", is_key=True,
            investor_credit_code=w["firm"].credit_code if variant == "elsewhere" else "",
        )  # fmt: skip
        Secretaryship.objects.create(
            district=district, project=project,
            secretary=users["project_secretary"] if variant == "own" else far_staff if variant == "far" else leader,
            leader=far_staff if variant == "far" else leader, assigned_on=today, stage_when_assigned=project.stage,
            last_contact_on=today,
        )  # fmt: skip
        office = ResidentOffice.objects.create(district=district, name=f"驻外招商{variant}", city="深圳")
        park = Park.objects.create(district=district, name=f"园区{variant}")
        fund = Fund.objects.create(
            district=district, name=f"产业基金{variant}", size=Decimal(10000), share_max=Decimal(30),
            cap_per_project=Decimal(1000), created_by=by,
        )  # fmt: skip
        commitment = Commitment.objects.create(
            district=district, fund=fund, project=project, amount=Decimal(100), share=Decimal(10), proposed_by=by,
            proposed_at=now,
        )  # fmt: skip
        event = InvestmentEvent.objects.create(
            district=district, kind=first_choice(InvestmentEvent, "kind"), title="招商推介会", leader=by,
            starts_on=today, ends_on=today, places="深圳", created_by=by,
        )  # fmt: skip
        start = ConcentratedStart.objects.create(
            district=district, title="集中开工", held_on=today, place="宽城", created_by=by
        )
        course = Course.objects.create(
            district=district, title="培训", place="会议室", starts_at=now, ends_at=now + dt.timedelta(hours=2),
            year=today.year, created_by=by,
        )  # fmt: skip
        programme = Programme.objects.create(
            district=district, name="人才公寓", kind=first_choice(Programme, "kind"), issuer=unit.name, department=unit,
            service_item=items[variant], valid_from=today, valid_to=today + dt.timedelta(days=365), benefit="一套",
            created_by=by,
        )  # fmt: skip
        policy = Policy.objects.create(
            district=district, title="惠企政策", issuer=unit.name, department=unit, valid_from=today,
            valid_to=today + dt.timedelta(days=365), mode=first_choice(Policy, "mode"),
            benefit_kind=first_choice(Policy, "benefit_kind"), created_by=by, updated_at=now,
            status=PolicyStatus.PUBLISHED, benefit_amount=Decimal(1000),
        )  # fmt: skip
        bank = Bank.objects.create(district=district, name=f"银行{variant}", created_by=by)
        applicant = w["applicants"][variant]
        profile = EnterpriseProfile.objects.create(
            district=district, applicant=applicant, name=applicant.name,
            credit_code=applicant.credit_code or f"91220103MA0MATRIX{len(objects['need'])}", updated_at=now,
        )  # fmt: skip
        need = FinancingNeed.objects.create(
            district=district, profile=profile, amount=Decimal(100), term_months=12, purpose="流动资金",
            collateral=first_choice(FinancingNeed, "collateral"), submitted_by=applicant.user, submitted_at=now,
            submitted_on=today,
        )  # fmt: skip
        objects["project"][variant] = {"pk": project.pk}
        objects["key_project"][variant] = {"pk": project.pk}
        objects["office"][variant] = {"pk": office.pk}
        objects["park"][variant] = {"pk": park.pk}
        objects["fund"][variant] = {"pk": fund.pk}
        objects["commitment"][variant] = {"pk": commitment.pk}
        objects["event"][variant] = {"pk": event.pk}
        objects["start"][variant] = {"pk": start.pk}
        objects["course"][variant] = {"pk": course.pk}
        objects["programme"][variant] = {"pk": programme.pk}
        objects["policy"][variant] = {"pk": policy.pk, "policy_pk": policy.pk}
        objects["bank"][variant] = {"pk": bank.pk}
        objects["need"][variant] = {"pk": need.pk}
        objects.setdefault("profile", {})[variant] = {"pk": profile.pk, "policy_pk": policy.pk}
        objects.setdefault("credit_code", {})[variant] = {"credit_code": profile.credit_code}

    # The green channel: the enterprise's case (城管局) entered under its key project; the
    # citizen's case cannot be (not an investor), so the own variant is the same card.
    green = GreenChannelCase.objects.create(
        district=home, application=cases["elsewhere"], project=Project.objects.get(pk=objects["project"]["elsewhere"]["pk"]),
        lead_official=leader, promised_days=3, reason="领办", entered_on=today, entered_by=leader,
    )  # fmt: skip
    objects["green"] = {"elsewhere": {"pk": green.pk, "number": cases["elsewhere"].number}}

    # Export jobs: the centre supervisor's, and the citizen's (nobody else's business).
    objects["export_job"] = {
        variant: {
            "pk": ExportJob.objects.create(
                requested_by=users[who], export="applications.queue", format="csv", created_at=now
            ).pk
        }
        for variant, who in (("own", "centre_supervisor"), ("elsewhere", "citizen"))
    } | {
        "far": {
            "pk": ExportJob.objects.create(
                requested_by=far_staff, export="applications.queue", format="csv", created_at=now
            ).pk
        }
    }

    # Items and departments of the catalogue, by code and id.
    objects["item"] = {variant: {"code": item.code, "pk": item.pk, "number": 1} for variant, item in items.items()}
    objects["department"] = {variant: {"pk": unit.pk} for variant, (_district, unit) in places.items()}

    # Enterprise issues (诉求) of each variant's key project, routed to its unit.
    from dgov.applications.models import Visit
    from dgov.bundles.models import Bundle, BundleApplication
    from dgov.notices.models import Notice, NoticeTemplate
    from dgov.ratings.models import Rating, Rectification
    from dgov.secretaries.models import EnterpriseIssue
    from dgov.services.models import Event as LifeEvent
    from dgov.workdays.models import Deadline

    objects["issue"], objects["notice"], objects["bundle"], objects["bundle_case"] = {}, {}, {}, {}
    objects["visit"], objects["rectification"], objects["life_event"] = {}, {}, {}
    for variant, (district, unit) in places.items():
        by = author(variant)
        deadline = Deadline.objects.create(
            district=district, label=f"matrix {variant}", start_date=today, working_days=5,
            due_date=today + dt.timedelta(days=7),
        )  # fmt: skip
        issue = EnterpriseIssue.objects.create(
            district=district, project_id=objects["project"][variant]["pk"], raised_by=by, raised_on=today,
            kind=first_choice(EnterpriseIssue, "kind"), title="用地指标", deadline=deadline, department=unit,
        )  # fmt: skip
        case = cases[variant]
        template = NoticeTemplate.objects.get_or_create(
            district=district, kind=first_choice(NoticeTemplate, "kind"), version=1,
            defaults={"title": "通知书", "body": "正文"},
        )[0]  # fmt: skip
        notice = Notice.objects.create(
            district=district, kind=template.kind, department=case.department,
            template=template, title="通知书", text="正文", dated=today, requested_at=now, application=case,
        )  # fmt: skip
        bundle = Bundle.objects.create(district=district, code=f"matrix-{variant}", name="我要开饭店")
        bundle_case = BundleApplication.objects.create(
            district=district, bundle=bundle, number=f"MXB{variant}", applicant=case.applicant,
            submitted_by=case.submitted_by, channel=case.channel, idempotency_key=f"mxb-{variant}",
            on_denial=first_choice(BundleApplication, "on_denial"), limit_days=20, received_on=today,
        )  # fmt: skip
        visit = Visit.objects.create(application=case, clerk=far_staff if variant == "far" else users["window_clerk"])
        rating = Rating.objects.create(
            district=district, application=case, department=case.department, item=case.item, level=1,
            source=first_choice(Rating, "source"), rated_on=today,
        )  # fmt: skip
        deadline = Deadline.objects.create(
            district=district, label=f"matrix fix {variant}", start_date=today, working_days=5,
            due_date=today + dt.timedelta(days=7),
        )  # fmt: skip
        rectification = Rectification.objects.create(district=district, rating=rating, deadline=deadline)
        life_event = LifeEvent.objects.create(
            district=district, kind=first_choice(LifeEvent, "kind"), name=f"开饭店{variant}"
        )
        objects["issue"][variant] = {"pk": issue.pk}
        objects["notice"][variant] = {"pk": notice.pk}
        objects["bundle"][variant] = {"pk": bundle.pk, "code": bundle.code}
        objects["bundle_case"][variant] = {"pk": bundle_case.pk, "number": bundle_case.number}
        objects["visit"][variant] = {"pk": visit.pk}
        objects["rectification"][variant] = {"pk": rectification.pk}
        objects["life_event"][variant] = {"pk": life_event.pk}

    # Names rather than objects, filled with real ones: a year of the calendar, a role's
    # workbench, an export, a cockpit chart, a notice template's kind.
    objects["year"] = {"own": {"year": today.year}}
    objects["role"] = {"own": {"role": "reviewer"}}
    objects["export"] = {"own": {"name": "applications.queue", "fmt": "csv"}}
    objects["chart"] = {"own": {"key": "trend", "fmt": "csv"}}
    objects["template_kind"] = {"own": {"kind": first_choice(NoticeTemplate, "kind")}}
    return objects
