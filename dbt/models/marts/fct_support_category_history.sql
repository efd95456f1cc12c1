{#- Every categorised school's support category in each reporting term, with the inputs it rested on: the record
    next term's movement is counted from. Categories are recalculated from the latest data on every build, so last
    term's can only be what was recorded last term. Incremental, one slice per term: a build replaces the current
    term's rows (int_report_term) and keeps earlier terms'. full_refresh is off, since earlier terms cannot be
    rebuilt from today's data. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='term_end',
        full_refresh=false,
        on_schema_change='append_new_columns',
    )
}}
with

categories as (

    select * from {{ ref('fct_school_support_category') }}
    where categorisation_status = 'categorised'

),

report_term as (

    select * from {{ ref('int_report_term') }}

),

final as (

    select
        report_term.term_end,
        report_term.report_term,
        categories.urn,
        categories.support_category,
        categories.category_rank,
        categories.latest_inspection_number,
        categories.capacity_state,
        categories.capacity_judged_on,
        categories.adviser_main_concern,
        categories.is_overridden,
        categories.override_decided_on,
        categories.latest_results_year,
        categories.risk_flags,
        categories.rule_version
    from categories
    cross join report_term

)

select * from final
