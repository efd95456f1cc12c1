{#- Committee attendance: the LA's overall and persistent absence by phase against England's for each year
    published, and how many of the LA's schools raised each attendance flag in the latest year judged. -#}
with

areas as (

    select * from {{ ref('int_absence_area_comparators') }}

),

phases as (

    select distinct phase_code, phase_name from {{ ref('absence_phases') }}

),

flag_rules as (

    select
        max(threshold_value) filter (where flag_code = 'ABSENCE_PERSISTENT_ABOVE_NATIONAL') as above_national_threshold_pts,
        max(threshold_value) filter (where flag_code = 'ABSENCE_PERSISTENT_RISING') as rising_threshold_pts
    from {{ ref('data_risk_flags') }}

),

la_schools as (

    select * from {{ ref('fct_school_attendance') }}
    where is_la_school

),

flag_counts as (

    select
        academic_year,
        phase_code,
        count(*) filter (where raised_attendance_flags like '%ABSENCE_PERSISTENT_ABOVE_NATIONAL%') as schools_well_above_national,
        count(*) filter (where raised_attendance_flags like '%ABSENCE_PERSISTENT_RISING%') as schools_rising
    from la_schools
    group by academic_year, phase_code

),

final as (

    select
        la.academic_year,
        la.phase_code,
        phases.phase_name,
        la.overall_absence_pct as la_overall_absence_pct,
        national.overall_absence_pct as national_overall_absence_pct,
        la.persistent_absence_pct as la_persistent_absence_pct,
        national.persistent_absence_pct as national_persistent_absence_pct,
        la.persistent_absence_pct - national.persistent_absence_pct as persistent_vs_national_pts,
        cast(la.schools_with_figures as integer) as schools_with_figures,
        cast(coalesce(flag_counts.schools_well_above_national, 0) as integer) as schools_well_above_national,
        cast(coalesce(flag_counts.schools_rising, 0) as integer) as schools_rising,
        cast(flag_rules.above_national_threshold_pts as double precision) as above_national_threshold_pts,
        cast(flag_rules.rising_threshold_pts as double precision) as rising_threshold_pts,
        case la.phase_code when 'PRI' then 1 when 'SEC' then 2 else 3 end as phase_order
    from areas as la
    inner join phases
        on phases.phase_code = la.phase_code
    left join areas as national
        on national.geography_level = 'national'
        and national.phase_code = la.phase_code
        and national.academic_year = la.academic_year
    left join flag_counts
        on flag_counts.academic_year = la.academic_year
        and flag_counts.phase_code = la.phase_code
    cross join flag_rules
    where la.geography_level = 'la'
        and la.la_code = {{ var('la_code') }}
        and la.persistent_absence_pct is not null

)

select * from final
