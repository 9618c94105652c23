from dgov.certificates.tests import conftest as certificate_fixtures

# A service item, its people, a seal and approved applications: the certificates suite's.
item = certificate_fixtures.item
citizen_applicant = certificate_fixtures.citizen_applicant
seal_officer = certificate_fixtures.seal_officer
certificate_type = certificate_fixtures.certificate_type
seal = certificate_fixtures.seal
make_approved = certificate_fixtures.make_approved
approved = certificate_fixtures.approved
certificate = certificate_fixtures.certificate
