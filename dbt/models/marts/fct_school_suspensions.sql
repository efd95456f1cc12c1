{#- Suspensions and permanent exclusions per school and year, beside the LA's and England's rates for the school's
    phase and the change in its suspension rate since its previous published year. -#}
with

schools_years as (

    select * from {{ ref('stg_suspensions__school_suspensions') }}

),

areas as (

    select * from {{ ref('int_suspension_area_rates') }}

),

register as (

    select * from {{ ref('dim_school') }}

),

final as (

    select
        schools_years.urn,
        register.school_name,
        coalesce(register.is_la_school, false) as is_la_school,
        schools_years.la_code,
        schools_years.academic_year,
        schools_years.phase_code,
        schools_years.pupils_on_roll,
        schools_years.suspensions,
        schools_years.suspensions_reason,
        schools_years.suspension_rate,
        schools_years.suspension_rate_reason,
        schools_years.pupils_suspended,
        schools_years.pupils_suspended_pct,
        schools_years.pupils_suspended_pct_reason,
        schools_years.permanent_exclusions,
        schools_years.permanent_exclusions_reason,
        schools_years.permanent_exclusion_rate,
        schools_years.permanent_exclusion_rate_reason,
        schools_years.suspension_rate - lag(schools_years.suspension_rate) over (
            partition by schools_years.urn order by schools_years.academic_year
        ) as suspension_rate_change,
        la.suspension_rate as la_suspension_rate,
        national.suspension_rate as national_suspension_rate,
        la.permanent_exclusion_rate as la_permanent_exclusion_rate,
        national.permanent_exclusion_rate as national_permanent_exclusion_rate
    from schools_years
    left join register
        on register.urn = schools_years.urn
    left join areas as la
        on la.geography_level = 'la'
        and la.la_code = schools_years.la_code
        and la.phase_code = schools_years.phase_code
        and la.academic_year = schools_years.academic_year
    left join areas as national
        on national.geography_level = 'national'
        and national.phase_code = schools_years.phase_code
        and national.academic_year = schools_years.academic_year

)

select * from final
