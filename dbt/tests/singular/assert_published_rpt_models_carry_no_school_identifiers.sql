-- Published committee and report-wide tables (rpt_committee__*, rpt_report__*) and the grouping summaries
-- (rpt_grouping__summaries, aggregates only) carry no school names or URNs, except the inspections table (public
-- Ofsted information).
-- Read information_schema after the committee models are built (dbt sees no ref otherwise).
-- depends_on: {{ ref('rpt_committee__category_distribution') }}
-- depends_on: {{ ref('rpt_committee__gap_headline') }}
-- depends_on: {{ ref('rpt_committee__inspections') }}
-- depends_on: {{ ref('rpt_committee__la_headlines') }}
-- depends_on: {{ ref('rpt_grouping__summaries') }}
-- depends_on: {{ ref('rpt_report__comparators') }}
-- depends_on: {{ ref('rpt_report__context') }}
-- depends_on: {{ ref('rpt_report__coverage') }}
-- depends_on: {{ ref('rpt_report__data_sources') }}
-- depends_on: {{ ref('rpt_report__la_comparisons') }}
-- depends_on: {{ ref('rpt_report__la_measures') }}
-- Shown in Dagster as a check on rpt_committee__la_headlines.
{{ config(meta={'dagster': {'ref': {'name': 'rpt_committee__la_headlines'}}}) }}
select table_name, column_name
from information_schema.columns
where (table_name like 'rpt_committee__%' or table_name like 'rpt_report__%' or table_name = 'rpt_grouping__summaries')
    and table_name <> 'rpt_committee__inspections'
    and column_name in ('urn', 'school_name', 'laestab')
