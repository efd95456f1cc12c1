-- Adviser free text from the LA returns is restricted: no published reporting model (rpt_committee__*, the published
-- committee report's tables) may carry one of its columns.
select table_name, column_name
from information_schema.columns
where table_name like 'rpt_committee__%'
    and column_name in (
        'rationale', 'key_concerns', 'support_offered', 'progress_and_actions', 'next_steps', 'outcome_summary',
        'override_rationale', 'lead_professional'
    )
