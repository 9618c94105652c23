"""Who may do what in investment attraction (merged into the role groups at migrate)."""

from dgov.accounts.roles import Role

VIEW_PIPELINE = "investment.view_pipeline"
MANAGE_PROJECT = "investment.manage_project"
REVIEW_GATE = "investment.review_gate"
VERIFY_PAID_IN = "investment.verify_paid_in"
MANAGE_AGENTS = "investment.manage_agents"
SUBMIT_LEAD = "investment.submit_lead"
MANAGE_PARKS = "investment.manage_parks"
MANAGE_POLICY = "investment.manage_policy"

GRANTS: dict[Role, set[str]] = {
    Role.INVESTMENT_OFFICER: {VIEW_PIPELINE, MANAGE_PROJECT, MANAGE_AGENTS, MANAGE_PARKS},
    # Gates are reviewed, paid-in capital verified and agents paid by the leadership,
    # not by the officer who brings the project.
    Role.DISTRICT_LEADER: {VIEW_PIPELINE, REVIEW_GATE, VERIFY_PAID_IN},
    Role.PROJECT_SECRETARY: {VIEW_PIPELINE},
    Role.HIRED_AGENT: {SUBMIT_LEAD},
    Role.ADMINISTRATOR: {MANAGE_POLICY},
}
