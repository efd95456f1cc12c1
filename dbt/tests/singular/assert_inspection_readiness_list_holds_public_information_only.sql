-- The Ofsted-readiness list is published in the monthly briefing: it may hold public Ofsted and GIAS information
-- only, never a column of the LA's returns (adviser judgements, the register of schools causing concern, visits) or
-- of the support decisions built on them.
-- Read information_schema after the model is built (dbt sees no ref otherwise).
-- depends_on: {{ ref('rpt_inspection_briefing__readiness') }}
{{ config(meta={'dagster': {'ref': {'name': 'rpt_inspection_briefing__readiness'}}}) }}
select table_name, column_name
from information_schema.columns
where table_name = 'rpt_inspection_briefing__readiness'
    and (
        column_name in (
            'rationale', 'key_concerns', 'support_offered', 'progress_and_actions', 'next_steps', 'outcome_summary',
            'override_rationale', 'lead_professional', 'months_on_register', 'reviews_this_term', 'capacity_state',
            'capacity_to_improve', 'main_concern', 'risk_flags', 'support_category', 'reasons', 'intervention_reasons'
        )
        or column_name like '%adviser%'
        or column_name like '%register%'
    )
