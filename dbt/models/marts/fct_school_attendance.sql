{#- Attendance per school and year (int_school_attendance) with the school's name and whether it is the LA's, and
    whether the latest year's attendance raised a data risk flag. -#}
with

attendance as (

    select * from {{ ref('int_school_attendance') }}

),

schools as (

    select * from {{ ref('dim_school') }}

),

flags as (

    select
        urn,
        academic_year,
        string_agg(flag_code, ', ' order by flag_code) filter (where is_raised) as raised_attendance_flags
    from {{ ref('int_school_data_risk_flags') }}
    where key_stage = 'absence'
    group by urn, academic_year

),

final as (

    select
        attendance.*,
        schools.school_name,
        coalesce(schools.is_la_school, false) as is_la_school,
        flags.raised_attendance_flags
    from attendance
    left join schools
        on schools.urn = attendance.urn
    left join flags
        on flags.urn = attendance.urn
        and flags.academic_year = attendance.academic_year

)

select * from final
