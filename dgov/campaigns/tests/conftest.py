import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from dgov.accounts.models import Department
from dgov.campaigns.models import Campaign, Task

D = dt.date


@pytest.fixture(autouse=True)
def documents_root(settings: Any, tmp_path: Path) -> Path:
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    return settings.DOCUMENTS_ROOT


@pytest.fixture
def units(district: Any) -> dict[str, Department]:
    made = {}
    for code, name in [("DCS", "督查室"), ("TCJ", "投资促进局"), ("WJJ", "卫生健康局"), ("SCJG", "市场监督管理局")]:
        made[code] = Department.objects.get_or_create(district=district, code=code, defaults={"name": name})[0]
    return made


@pytest.fixture
def inspector(make_staff: Any, units: Any) -> Any:
    return make_staff("inspector", "inspector", department="DCS")


@pytest.fixture
def head(make_staff: Any, units: Any) -> Any:
    """The head of 投资促进局 (TCJ)."""
    return make_staff("unit_head", "head", department="TCJ")


@pytest.fixture
def other_head(make_staff: Any, units: Any) -> Any:
    return make_staff("unit_head", "other_head", department="WJJ")


@pytest.fixture
def campaign(district: Any) -> Campaign:
    return Campaign.objects.create(
        district=district,
        theme="解放思想推动宽城高质量发展大讨论",
        starts_on=D(2018, 6, 1),
        ends_on=D(2018, 12, 31),
        publication_deadline=D(2018, 11, 15),
    )


@pytest.fixture
def make_task(campaign: Campaign, units: Any) -> Any:
    def make(number: str, due: dt.date, *, parent: Task | None = None, unit: str = "TCJ", weight: Any = None) -> Task:
        return Task.objects.create(
            campaign=campaign,
            parent=parent,
            number=number,
            form="走出去招商",
            content=f"任务 {number}",
            due_on=due,
            original_due_on=due,
            lead_unit=units[unit],
            weight=weight,
        )

    return make


def workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    from dgov.campaigns.spreadsheet import COLUMNS

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "tasks"
    sheet.append(header or COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
