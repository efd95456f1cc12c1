{#- Narrowing the gap: each open LA school's disadvantaged gap (its disadvantaged pupils against national other
    pupils, DfE definition) for every year, with the number of disadvantaged pupils for disclosure control and the
    school's persistent absence and suspensions that year beside England's for its phase (how attendance and
    behaviour relate to the gap). -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school
        and is_open

),

gaps as (

    select * from {{ ref('fct_disadvantaged_gap') }}
    where geography_level = 'school'

),

attendance as (

    select * from {{ ref('fct_school_attendance') }}

),

suspensions as (

    select * from {{ ref('fct_school_suspensions') }}

),

final as (

    select
        gaps.urn,
        schools.school_name,
        schools.phase,
        gaps.academic_year,
        gaps.key_stage,
        gaps.measure_code,
        gaps.measure_name,
        gaps.unit,
        gaps.disadvantaged_pupils,
        gaps.disadvantaged_value,
        gaps.disadvantaged_value_reason,
        gaps.national_other_value,
        gaps.disadvantaged_gap,
        attendance.persistent_absence_pct,
        attendance.persistent_absence_pct_reason,
        attendance.national_persistent_absence_pct,
        suspensions.suspensions,
        suspensions.suspension_rate,
        suspensions.suspension_rate_reason,
        suspensions.national_suspension_rate,
        gaps.data_version
    from gaps
    inner join schools
        on schools.urn = gaps.urn
    left join attendance
        on attendance.urn = gaps.urn
        and attendance.academic_year = gaps.academic_year
    left join suspensions
        on suspensions.urn = gaps.urn
        and suspensions.academic_year = gaps.academic_year

)

select * from final
