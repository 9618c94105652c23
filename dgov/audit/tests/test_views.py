import pytest
from django.urls import reverse

from dgov.audit.chain import chain_pending, write_checkpoint
from dgov.audit.trail import record
from dgov.audit.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

URL = "/audit/"


def test_the_page_is_at_audit():
    assert reverse("audit:entries") == URL


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_without_the_permission_are_refused(client, clerk):
    client.force_login(clerk)
    assert client.get(URL).status_code == 403


def test_an_auditor_reads_the_trail_of_their_own_district_only(client, auditor, make_entries, district, other_district):
    make_entries(2, district=district, verb="test.ours")
    make_entries(1, district=other_district, verb="test.theirs")
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('title="test.ours"') == 2  # the act in words, its code in the title
    assert "test.theirs" not in body
    assert "草稿 → 已提交" in body


def test_the_list_filters_by_act_actor_and_object(client, auditor, clerk, district):
    record("application.accept", actor=clerk, district=district, object_type="services.item", object_id="7")
    record("application.reject", actor=clerk, district=district, object_type="services.item", object_id="8")
    record("calendar.set_day", actor=auditor, district=district, object_type="workdays.day", object_id="7")
    client.force_login(auditor)

    def acts(**query):
        entries = client.get(URL, query).context["entries"]
        return sorted(entry.verb for entry in entries)

    assert acts(verb="application.accept") == ["application.accept"]
    assert acts(verb="application.") == ["application.accept", "application.reject"]
    assert acts(actor="clerk") == ["application.accept", "application.reject"]
    assert acts(object_type="services.item", object_id="7") == ["application.accept"]
    assert acts(object_id="7") == ["application.accept", "calendar.set_day"]


def test_the_list_pages_by_entry_number_with_a_pinned_query_count(
    client, auditor, make_entries, district, django_assert_max_num_queries
):
    client.force_login(auditor)  # an auth.login entry, which the filter leaves out
    entries = make_entries(PAGE_SIZE + 5, district=district)
    with django_assert_max_num_queries(9):
        first = client.get(URL, {"verb": "test.act"})
    shown = [entry.pk for entry in first.context["entries"]]
    assert shown == [entry.pk for entry in reversed(entries)][:PAGE_SIZE]
    assert first.context["older"] == shown[-1]
    assert f"?verb=test.act&amp;before={shown[-1]}" in first.content.decode()
    with django_assert_max_num_queries(9):
        second = client.get(URL, {"verb": "test.act", "before": first.context["older"]})
    assert [entry.pk for entry in second.context["entries"]] == [entry.pk for entry in reversed(entries[:5])]
    assert second.context["older"] is None


def test_the_page_shows_how_far_the_chain_reaches(client, auditor, make_entries, district):
    client.force_login(auditor)  # the log-in is an entry too
    entries = make_entries(3, district=district)
    write_checkpoint()
    make_entries(1, district=district)
    status = client.get(URL).content.decode()
    # Waiting: the checkpoint's own entry (audit.checkpoint) and the new one.
    assert f"entries up to #{entries[-1].pk} are chained; 2 waiting." in status
    assert f"Last signed checkpoint: #{entries[-1].pk} at" in status
    chain_pending()
    assert "0 waiting" in client.get(URL).content.decode()


def test_a_bad_page_marker_is_ignored(client, auditor, make_entries, district):
    make_entries(1, district=district)
    client.force_login(auditor)
    response = client.get(URL, {"before": "not-a-number"})
    assert response.status_code == 200
