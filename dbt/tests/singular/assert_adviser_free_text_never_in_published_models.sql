-- Adviser free text from the LA returns is restricted: no published reporting model (rpt_committee__*, the
-- committee report's tables, rpt_report__*, what every report reads, and rpt_grouping__summaries) may carry one of
-- its columns.
-- Read information_schema after the committee models are built (dbt sees no ref otherwise).
-- depends_on: {{ ref('rpt_committee__category_distribution') }}
-- depends_on: {{ ref('rpt_committee__gap_headline') }}
-- depends_on: {{ ref('rpt_committee__inspections') }}
-- depends_on: {{ ref('rpt_committee__la_headlines') }}
-- depends_on: {{ ref('rpt_grouping__summaries') }}
-- depends_on: {{ ref('rpt_report__context') }}
-- depends_on: {{ ref('rpt_report__coverage') }}
-- depends_on: {{ ref('rpt_report__data_sources') }}
-- depends_on: {{ ref('rpt_report__la_measures') }}
-- Shown in Dagster as a check on rpt_committee__la_headlines.
{{ config(meta={'dagster': {'ref': {'name': 'rpt_committee__la_headlines'}}}) }}
select table_name, column_name
from information_schema.columns
where (table_name like 'rpt_committee__%' or table_name like 'rpt_report__%' or table_name = 'rpt_grouping__summaries')
    and column_name in (
        'rationale', 'key_concerns', 'support_offered', 'progress_and_actions', 'next_steps', 'outcome_summary',
        'override_rationale', 'lead_professional'
    )
