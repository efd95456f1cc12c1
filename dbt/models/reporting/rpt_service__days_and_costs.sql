{#- RESTRICTED: the days-and-money ledger as the service plan report shows it, one row per school, term and adviser:
    days planned, delivered by visit type and traded, and their cost and income. Every amount is additive, so the
    report sums the rows by school, adviser, partnership or term (and by academic year). -#}
with

ledger as (

    select * from {{ ref('fct_service_days') }}

),

final as (

    select
        urn,
        school_name,
        phase,
        governance,
        district,
        partnership,
        link_adviser,
        adviser,
        is_link_adviser,
        academic_year,
        term_code,
        term_name,
        term_order,
        is_report_term,
        judged_to,
        delivery_status,
        planned_days,
        planned_days_to_date,
        planned_days_is_la_default,
        core_days,
        additional_days,
        monitoring_meeting_days,
        delivered_days,
        visits_at_default_duration,
        delivered_days_at_default_duration,
        delivered_minus_planned_days,
        traded_work_items,
        traded_days,
        traded_days_at_agreed_rate,
        traded_income_gbp,
        planned_cost_gbp,
        delivered_cost_gbp,
        allocation_rule_version,
        duration_rule_version,
        rate_rule_version
    from ledger

)

select * from final
