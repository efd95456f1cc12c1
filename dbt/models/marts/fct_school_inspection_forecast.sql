{#- The inspection-due forecast of every open LA maintained school and academy (int_school_inspection_forecast): the
    latest inspection, the published interval that applies (seed ofsted_inspection_intervals), the likely window for
    the next inspection and the status relative to the date the data covers, with the reason in words; and whether
    GIAS shows a new headteacher since that inspection (or since the school opened) or an acting one now. -#}
with

forecast as (

    select * from {{ ref('int_school_inspection_forecast') }}

),

-- The latest change of headteacher certainly after the date the forecast counts from (the latest inspection, or the
-- opening of a school not inspected itself): the extract still listing the previous headteacher is dated on or
-- after it. A change between an extract before the inspection and one after it cannot be placed, so it is not shown.
headteacher_changes_since as (

    select
        forecast.urn,
        changes.previous_head_last_listed_on,
        changes.new_head_first_listed_on
    from forecast
    inner join {{ ref('int_school_headteacher_changes') }} as changes
        on changes.urn = forecast.urn
        and (forecast.rule_date is null or changes.previous_head_last_listed_on >= forecast.rule_date)

),

new_headteachers as (

    {{ keep_rows('headteacher_changes_since',
        'row_number() over (partition by urn order by new_head_first_listed_on desc nulls last) = 1') }}

),

-- The headteacher the latest extract listing the school names.
headteacher_listings as (

    select
        urn,
        is_acting_head,
        gias_extract_date
    from {{ ref('stg_gias__headteachers') }}

),

latest_headteacher_listings as (

    {{ keep_rows('headteacher_listings',
        'row_number() over (partition by urn order by gias_extract_date desc nulls last) = 1') }}

),

current_headteachers as (

    select
        urn,
        is_acting_head
    from latest_headteacher_listings

),

final as (

    select
        forecast.urn,
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
        forecast_reason,
        new_headteachers.urn is not null as has_new_headteacher,
        new_headteachers.previous_head_last_listed_on as headteacher_changed_after,
        new_headteachers.new_head_first_listed_on as headteacher_changed_by,
        coalesce(current_headteachers.is_acting_head, false) as has_acting_headteacher
    from forecast
    left join new_headteachers
        on new_headteachers.urn = forecast.urn
    left join current_headteachers
        on current_headteachers.urn = forecast.urn

)

select * from final
