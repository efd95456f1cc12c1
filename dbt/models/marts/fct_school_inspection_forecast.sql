{#- The inspection-due forecast of every open LA maintained school and academy (int_school_inspection_forecast): the
    latest inspection, the published interval that applies (seed ofsted_inspection_intervals), the likely window for
    the next inspection and the status relative to the date the data covers, with the reason in words. -#}
with

forecast as (

    select * from {{ ref('int_school_inspection_forecast') }}

),

final as (

    select
        urn,
        school_name,
        phase,
        governance,
        open_date,
        forecast_as_at,
        has_own_inspection,
        is_inherited_from_predecessor,
        last_inspected_urn,
        last_inspection_number,
        last_inspection_type,
        last_inspection_kind_label,
        last_inspection_date,
        last_publication_date,
        last_inspection_regime,
        last_inspection_outcome_label,
        last_ungraded_outcome,
        latest_inspection_kind,
        outcome_state,
        outcome_state_label,
        judgement_outcome_label,
        is_below_good,
        rule_date,
        rule_version,
        rule_code,
        rule_wording,
        rule_source,
        earliest_is_la_default,
        latest_is_la_default,
        likely_from,
        due_by,
        as_at_term,
        next_term,
        due_soon_by,
        due_timing,
        forecast_status,
        is_due_soon_or_overdue,
        interval_reason,
        forecast_reason
    from forecast

)

select * from final
