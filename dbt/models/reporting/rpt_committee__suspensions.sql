{#- Committee suspensions: the LA's suspensions and permanent exclusions per 100 pupils by phase against England's,
    for each published year, with the LA's schools whose suspension rate is at least `suspensions_high_ratio`
    (dbt_project.yml) times England's for their phase (counted, never named: the committee report is published). -#}
with

areas as (

    select * from {{ ref('int_suspension_area_rates') }}

),

phases as (

    select distinct phase_code, phase_name from {{ ref('absence_phases') }}

),

la_schools as (

    select * from {{ ref('fct_school_suspensions') }}
    where is_la_school

),

high_schools as (

    select
        academic_year,
        phase_code,
        count(*) filter (
            where suspension_rate >= {{ var('suspensions_high_ratio') }} * national_suspension_rate
        ) as schools_twice_national
    from la_schools
    group by academic_year, phase_code

),

final as (

    select
        la.academic_year,
        la.phase_code,
        coalesce(phases.phase_name, 'alternative provision') as phase_name,
        la.suspension_rate as la_suspension_rate,
        national.suspension_rate as national_suspension_rate,
        la.pupils_suspended_pct as la_pupils_suspended_pct,
        national.pupils_suspended_pct as national_pupils_suspended_pct,
        la.permanent_exclusion_rate as la_permanent_exclusion_rate,
        national.permanent_exclusion_rate as national_permanent_exclusion_rate,
        la.schools_with_figures,
        cast(coalesce(high_schools.schools_twice_national, 0) as integer) as schools_twice_national,
        cast({{ var('suspensions_high_ratio') }} as double precision) as high_ratio,
        case la.phase_code when 'PRI' then 1 when 'SEC' then 2 when 'SPE' then 3 else 4 end as phase_order
    from areas as la
    left join phases
        on phases.phase_code = la.phase_code
    left join areas as national
        on national.geography_level = 'national'
        and national.phase_code = la.phase_code
        and national.academic_year = la.academic_year
    left join high_schools
        on high_schools.academic_year = la.academic_year
        and high_schools.phase_code = la.phase_code
    where la.geography_level = 'la'
        and la.la_code = {{ var('la_code') }}

)

select * from final
