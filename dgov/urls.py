from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from dgov.portal import views as portal_views

urlpatterns = [
    path("favicon.ico", portal_views.favicon),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("dgov.accounts.urls")),
    path("calendar/", include("dgov.workdays.urls")),
    path("audit/", include("dgov.audit.urls")),
    path("services/", include("dgov.services.urls")),
    path("documents/", include("dgov.documents.urls")),
    path("api/", include("dgov.api.urls")),
    path("applications/", include("dgov.applications.urls")),
    path("certificates/", include("dgov.certificates.urls")),
    path("bundles/", include("dgov.bundles.urls")),
    path("notices/", include("dgov.notices.urls")),
    path("ratings/", include("dgov.ratings.urls")),
    path("investment/", include("dgov.investment.urls")),
    path("secretaries/", include("dgov.secretaries.urls")),
    path("campaigns/", include("dgov.campaigns.urls")),
    path("evaluation/", include("dgov.evaluation.urls")),
    path("cockpit/", include("dgov.cockpit.urls")),
    path("open-data/", include("dgov.cockpit.open_urls")),
    path("exports/", include("dgov.exports.urls")),
    path("policies/", include("dgov.policies.urls")),
    path("funds/", include("dgov.funds.urls")),
    path("financing/", include("dgov.financing.urls")),
    path("talent/", include("dgov.talent.urls")),
    path("hall/", include("dgov.hall.urls")),
    path("training/", include("dgov.training.urls")),
    path("events/", include("dgov.events.urls")),
    path("", include("dgov.ops.urls")),
    path("", include("dgov.portal.urls")),
]
