"""Who may do what in public evaluation, talks, the column and research reports."""

from dgov.accounts.roles import Role

VIEW_RESULTS = "evaluation.view_results"
MODERATE = "evaluation.moderate_comment"
MANAGE_SURVEYS = "evaluation.manage_surveys"
INVITE = "evaluation.invite_evaluation"
RECORD_TALK = "evaluation.record_talk"
INSPECT_TALKS = "evaluation.inspect_talks"
WRITE_COLUMN = "evaluation.write_column"
REVIEW_COLUMN = "evaluation.review_column"
SUBMIT_REPORT = "evaluation.submit_report"
REVIEW_REPORT = "evaluation.review_report"

GRANTS: dict[Role, set[str]] = {
    Role.WINDOW_CLERK: {INVITE},
    Role.CENTRE_SUPERVISOR: {INVITE, VIEW_RESULTS},
    Role.INSPECTOR: {VIEW_RESULTS, MODERATE, MANAGE_SURVEYS, INSPECT_TALKS, REVIEW_COLUMN, REVIEW_REPORT},
    Role.UNIT_HEAD: {VIEW_RESULTS, RECORD_TALK, WRITE_COLUMN, SUBMIT_REPORT},
    Role.DISTRICT_LEADER: {VIEW_RESULTS, RECORD_TALK, REVIEW_COLUMN, REVIEW_REPORT},
    Role.ADMINISTRATOR: {VIEW_RESULTS, MANAGE_SURVEYS},
}
