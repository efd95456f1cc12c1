{#- Each school categorised this term or last, its category in both, and which recorded inputs changed between
    them. "Last term" is the latest term recorded before the current one (fct_support_category_history); with none
    recorded there are no rows, and the reports say movement starts next term. -#}
with

history as (

    select * from {{ ref('fct_support_category_history') }}

),

report_term as (

    select * from {{ ref('int_report_term') }}

),

previous_term as (

    select max(history.term_end) as term_end
    from history
    inner join report_term
        on history.term_end < report_term.term_end

),

this_term as (

    select history.*
    from history
    inner join report_term
        on report_term.term_end = history.term_end

),

last_term as (

    select history.*
    from history
    inner join previous_term
        on previous_term.term_end = history.term_end

),

final as (

    select
        coalesce(this_term.urn, last_term.urn) as urn,
        previous_term.term_end as previous_term_end,
        last_term.support_category as previous_category,
        last_term.category_rank as previous_category_rank,
        this_term.support_category,
        this_term.category_rank,
        -- Causes, judged only for a school categorised in both terms (NULL otherwise).
        case when this_term.urn is not null and last_term.urn is not null then
            this_term.latest_inspection_number is distinct from last_term.latest_inspection_number
        end as has_new_inspection,
        case when this_term.urn is not null and last_term.urn is not null then
            this_term.capacity_state is distinct from last_term.capacity_state
            or this_term.capacity_judged_on is distinct from last_term.capacity_judged_on
            or this_term.adviser_main_concern is distinct from last_term.adviser_main_concern
        end as has_new_la_assessment,
        case when this_term.urn is not null and last_term.urn is not null then
            this_term.is_overridden is distinct from last_term.is_overridden
            or this_term.override_decided_on is distinct from last_term.override_decided_on
        end as has_new_override,
        case when this_term.urn is not null and last_term.urn is not null then
            this_term.latest_results_year is distinct from last_term.latest_results_year
            or this_term.risk_flags is distinct from last_term.risk_flags
        end as has_new_results,
        case when this_term.urn is not null and last_term.urn is not null then
            this_term.rule_version is distinct from last_term.rule_version
        end as has_new_rules
    from this_term
    full outer join last_term
        on last_term.urn = this_term.urn
    cross join previous_term
    where previous_term.term_end is not null

)

select * from final
