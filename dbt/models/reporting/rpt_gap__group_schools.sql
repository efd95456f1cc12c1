{#- Narrowing the gap, pupil groups: each open LA school's gap for every group and measure, with the group's pupils
    in the year and two years before (disclosure control names a school only with enough pupils in both), and the
    school's persistent absence that year beside England's for its phase (how attendance relates to a gap). -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school
        and is_open

),

gaps as (

    select * from {{ ref('fct_pupil_group_gaps') }}
    where geography_level = 'school'
        and measure_code != 'pupils'

),

attendance as (

    select * from {{ ref('fct_school_attendance') }}

),

final as (

    select
        gaps.urn,
        schools.school_name,
        gaps.academic_year,
        gaps.key_stage,
        gaps.measure_code,
        gaps.measure_name,
        gaps.unit,
        gaps.group_code,
        gaps.group_name,
        cast(gaps.group_pupils as integer) as group_pupils,
        gaps.measure_value,
        gaps.measure_value_reason,
        gaps.national_comparison_value,
        gaps.gap,
        gaps.gap_two_years_earlier,
        cast(earlier.group_pupils as integer) as group_pupils_two_years_earlier,
        gaps.gap_change_over_two_years,
        gaps.gap_trend,
        gaps.gap_widened_in_each_year,
        attendance.persistent_absence_pct,
        attendance.persistent_absence_pct_reason,
        attendance.national_persistent_absence_pct
    from gaps
    inner join schools
        on schools.urn = gaps.urn
    left join gaps as earlier
        on earlier.urn = gaps.urn
        and earlier.key_stage = gaps.key_stage
        and earlier.measure_code = gaps.measure_code
        and earlier.group_code = gaps.group_code
        and earlier.academic_year = {{ previous_academic_year(previous_academic_year('gaps.academic_year')) }}
    left join attendance
        on attendance.urn = gaps.urn
        and attendance.academic_year = gaps.academic_year

)

select * from final
