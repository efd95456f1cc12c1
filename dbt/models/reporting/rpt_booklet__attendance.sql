{#- Booklet attendance: each booklet school's absence for every published year, beside the LA and England figures
    for its phase, with the attendance risk flags raised in the latest year judged (their explanations name the
    figures). The rows are the school's own (current URN), as DfE publishes absence per URN. -#}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

attendance as (

    select * from {{ ref('fct_school_attendance') }}

),

raised_flags as (

    select
        urn,
        academic_year,
        string_agg(flag_explanation, '; ' order by flag_code) as raised_flag_explanations
    from {{ ref('int_school_data_risk_flags') }}
    where key_stage = 'absence'
        and is_raised
    group by urn, academic_year

),

final as (

    select
        attendance.urn,
        attendance.academic_year,
        attendance.phase_name,
        attendance.overall_absence_pct,
        attendance.overall_absence_pct_reason,
        attendance.persistent_absence_pct,
        attendance.persistent_absence_pct_reason,
        attendance.persistent_absence_threshold_pct,
        attendance.severe_absence_pct,
        -- england_abs.csv never gave severe absence: 'NP' (not published) says so rather than a bare gap.
        coalesce(
            attendance.severe_absence_pct_reason,
            case when attendance.file_layout = 'performance_tables' then 'NP' end
        ) as severe_absence_pct_reason,
        attendance.la_persistent_absence_pct,
        attendance.national_persistent_absence_pct,
        attendance.persistent_change_pts,
        raised_flags.raised_flag_explanations
    from attendance
    inner join schools
        on schools.urn = attendance.urn
    left join raised_flags
        on raised_flags.urn = attendance.urn
        and raised_flags.academic_year = attendance.academic_year

)

select * from final
