{#- Monthly inspection briefing (published): the Ofsted-readiness list - the LA's open maintained schools and
    academies whose next inspection is overdue or due within two terms (fct_school_inspection_forecast), with the
    judgement in force, whether it is below good, the likely window and the reasons in words, including a new or acting
    headteacher that GIAS shows (never a name). Public Ofsted and GIAS information only: no adviser judgement, no
    register, no support category. -#}
with

forecast as (

    select * from {{ ref('fct_school_inspection_forecast') }}
    where is_due_soon_or_overdue

),

-- Why the school is on the list.
with_reasons as (

    select
        *,
        concat_ws(
            '; ',
            case due_timing
                when 'overdue' then 'overdue'
                when 'due within two terms' then 'due within two terms (by the end of ' || next_term || ')'
            end,
            case when not has_own_inspection then 'not yet inspected since it opened' end,
            case
                when is_below_good and has_own_inspection then 'last outcome below good'
                when is_below_good then 'the school it replaced was below good at its last inspection'
            end,
            case when has_new_headteacher
                then 'new headteacher since '
                    || case when latest_inspection_kind = 'none' then 'it opened' else 'the last inspection' end
                    || ' (first listed by GIAS on ' || {{ date_words('headteacher_changed_by') }} || ')'
            end,
            case when has_acting_headteacher then 'acting headteacher (GIAS)' end
        ) as reasons
    from forecast

),

final as (

    select
        forecast_as_at,
        urn,
        school_name,
        phase,
        governance,
        has_own_inspection,
        last_inspection_date,
        last_inspection_kind_label,
        coalesce(judgement_outcome_label, outcome_state_label) as outcome_in_force_label,
        is_below_good,
        forecast_status,
        due_timing,
        likely_from,
        due_by,
        due_soon_by,
        has_new_headteacher,
        headteacher_changed_by,
        has_acting_headteacher,
        upper(left(reasons, 1)) || substr(reasons, 2) || '.' as readiness_reasons,
        interval_reason,
        forecast_reason
    from with_reasons

)

select * from final
