import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dgov.policies.conditions import MET, UNKNOWN, UNMET, whole_years, years_back
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import EnterpriseProfile, certificate_text

from .conftest import TODAY


def test_it_reads_conditions_written_as_text():
    conditions = ENTERPRISE_FACTS.parse_text(
        "industry in C37, c36; employees >= 20\ncertificates has high_tech；years_in_operation ≥ 2\nsize in small,micro"
    )
    assert [c.as_data() for c in conditions] == [
        {"fact": "industry", "op": "in", "value": ["C37", "C36"]},
        {"fact": "employees", "op": ">=", "value": 20},
        {"fact": "certificates", "op": "has", "value": ["high_tech"]},
        {"fact": "years_in_operation", "op": ">=", "value": 2},
        {"fact": "size", "op": "in", "value": ["small", "micro"]},
    ]
    # Stored data reads back to the same conditions.
    assert ENTERPRISE_FACTS.load([c.as_data() for c in conditions]) == conditions


def test_it_refuses_a_condition_on_an_unknown_field_naming_the_known_ones():
    with pytest.raises(ValidationError) as error:
        ENTERPRISE_FACTS.parse_text("employees >= 20; emplyees >= 10")
    (message,) = error.value.messages
    assert message.startswith("Condition 2: there is no fact field “emplyees”. Known fields: industry, size,")
    assert "employees" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("employees has 3", "“has” does not apply to employees; use >=, >, <=, <, =."),
        ("employees >= many", "employees needs a number, not “many”."),
        ("employees >= 2.5", "employees needs a whole number."),
        ("paid_in_capital >= -1", "paid_in_capital needs a number of 0 or more."),
        ("industry in 37", "37: not a code of industry."),
        ("size in huge", "huge: size is one of large, medium, small, micro."),
        ("key_project = perhaps", "key_project is yes or no."),
        ("certificates has high_tech, tech_sme", "“has” takes one value; use “has_any” for several."),
        ("just words", "write it as “field operator value”"),
    ],
)
def test_it_refuses_bad_conditions_with_a_clear_message(text, expected):
    with pytest.raises(ValidationError) as error:
        ENTERPRISE_FACTS.parse_text(text)
    assert expected in error.value.messages[0]


def test_stored_conditions_on_an_unknown_field_are_refused_too():
    with pytest.raises(ValidationError, match="no fact field “turnover”"):
        ENTERPRISE_FACTS.load([{"fact": "turnover", "op": ">=", "value": "1"}])


def test_whole_years_count_birthdays_including_the_29th_of_february():
    # Founded on 29 February: a year is complete on 1 March of a common year.
    assert whole_years(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 0
    assert whole_years(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) == 1
    assert whole_years(dt.date(2024, 3, 1), dt.date(2025, 2, 28)) == 0
    assert years_back(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)


def test_each_condition_says_what_meets_it_and_what_is_missing(db):
    profile = EnterpriseProfile(
        industry_code="C3720", employees=12, founded_on=dt.date(2020, 1, 1), certificates=",tech_sme,"
    )
    conditions = ENTERPRISE_FACTS.parse_text(
        "industry in C37; employees >= 20; years_in_operation >= 3; rd_spend >= 100; certificates has_any high_tech, tech_sme"
    )
    verdict = ENTERPRISE_FACTS.check(conditions, profile, TODAY)
    assert [c.outcome for c in verdict.checks] == [MET, UNMET, MET, UNKNOWN, MET]
    assert verdict.checks[1].requirement == "Employees ≥ 20"
    assert verdict.checks[1].shown_value == "12"
    assert verdict.checks[2].value == 6
    assert not verdict.qualifies and not verdict.near


def _random_profile(rng: random.Random, district, applicant) -> EnterpriseProfile:
    def maybe(value):
        return None if rng.random() < 0.15 else value

    return EnterpriseProfile(
        district=district,
        applicant=applicant,
        name=applicant.name,
        credit_code=applicant.credit_code,
        industry_code=rng.choice(["", "C3720", "C3670", "I6510", "M7320", "C3411"]),
        size_class=rng.choice(["", "large", "medium", "small", "micro"]),
        founded_on=maybe(TODAY - dt.timedelta(days=rng.randint(0, 15 * 365))),
        employees=maybe(rng.randint(0, 500)),
        paid_in_capital=maybe(Decimal(rng.randint(0, 50000)) / 10),
        revenue=maybe(Decimal(rng.randint(1, 200000)) / 10),
        rd_spend=maybe(Decimal(rng.randint(0, 5000)) / 10),
        tax_paid=maybe(Decimal(rng.randint(0, 3000))),
        certificates=certificate_text(
            rng.sample(["high_tech", "tech_sme", "specialised", "little_giant"], rng.randint(0, 2))
        ),
        key_project=rng.choice([None, True, False]),
    )


CONDITION_POOL = [
    "industry in C37",
    "industry in C36, I65",
    "industry not_in C",
    "size in small, micro",
    "size = medium",
    "size not_in large",
    "years_in_operation >= 3",
    "years_in_operation < 2",
    "years_in_operation = 5",
    "years_in_operation <= 4",
    "years_in_operation > 1",
    "employees >= 100",
    "employees < 20",
    "employees = 50",
    "paid_in_capital > 1000",
    "rd_spend >= 50.5",
    "rd_intensity >= 3",
    "tax_paid <= 1000",
    "certificates has high_tech",
    "certificates has_any specialised, little_giant",
    "key_project = yes",
    "key_project = no",
    "region in 2201",
]


def test_the_sql_filter_and_the_explanation_agree_on_every_enterprise(district, make_profile):
    """The matching job (SQL) and the enterprise's page (Python) must give the same answer."""
    rng = random.Random(20260615)  # noqa: S311
    profiles = []
    for n in range(160):
        base = make_profile(f"随机企业{n}")
        fresh = _random_profile(rng, district, base.applicant)
        fresh.pk = base.pk
        fresh.save()
        profiles.append(fresh)
    for round_ in range(60):
        text = "; ".join(rng.sample(CONDITION_POOL, rng.randint(1, 3)))
        conditions = ENTERPRISE_FACTS.parse_text(text)
        by_sql = set(
            EnterpriseProfile.objects.filter(district=district)
            .filter(ENTERPRISE_FACTS.q(conditions, TODAY))
            .values_list("pk", flat=True)
        )
        by_python = {
            p.pk for p in EnterpriseProfile.objects.all() if ENTERPRISE_FACTS.check(conditions, p, TODAY).qualifies
        }
        assert by_sql == by_python, (round_, text)
