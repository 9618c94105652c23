from dgov.applications.tests.conftest import citizen_applicant, item  # noqa: F401
