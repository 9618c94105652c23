from decimal import Decimal

import pytest

from dgov.accounts.models import Applicant, User
from dgov.financing.models import Bank, BankOfficer
from dgov.policies.actions import profile_for


@pytest.fixture
def bank(bank_officer):
    return BankOfficer.objects.get(user=bank_officer).bank


@pytest.fixture
def profile(enterprise_user):
    profile = profile_for(Applicant.objects.get(user=enterprise_user))
    profile.industry_code, profile.employees, profile.tax_paid = "C3720", 80, Decimal("60")
    profile.save()
    return profile


@pytest.fixture
def other_bank(district, bank):
    other = Bank.objects.create(
        district=district, name="中国建设银行", branch="长春宽城支行", created_by=bank.created_by
    )
    user = User.objects.create(username="ccb", kind=User.Kind.ENTERPRISE)
    BankOfficer.objects.create(bank=other, user=user, added_by=bank.created_by)
    return other
