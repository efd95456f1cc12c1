{#- Each school's KS4 destinations per year and pupil group beside its LA's and England's published figures for the
    same group; for disadvantaged pupils, the gap to England's other pupils (DfE's disadvantaged-gap convention). -#}
with

destinations as (

    select * from {{ ref('stg_ks4_destinations__destinations') }}

),

schools as (

    select * from destinations
    where geography_level = 'school'

),

la as (

    select * from destinations
    where geography_level = 'la'

),

national as (

    select * from destinations
    where geography_level = 'national'

),

final as (

    select
        cast(schools.urn as integer) as urn,
        cast(schools.la_code as integer) as la_code,
        schools.academic_year,
        schools.ks4_academic_year,
        schools.pupil_group,
        schools.cohort_pupils,
        schools.sustained_pct,
        schools.sustained_pct_reason,
        schools.education_pct,
        schools.apprenticeship_pct,
        schools.employment_pct,
        schools.not_sustained_pct,
        schools.not_sustained_pct_reason,
        la.sustained_pct as la_sustained_pct,
        national.sustained_pct as national_sustained_pct,
        schools.sustained_pct - national.sustained_pct as sustained_vs_national_pts,
        case when schools.pupil_group = 'disadvantaged'
            then schools.sustained_pct - national_other.sustained_pct
        end as disadvantaged_gap_pts,
        schools.data_version
    from schools
    left join la
        on la.la_code = schools.la_code
        and la.academic_year = schools.academic_year
        and la.pupil_group = schools.pupil_group
    left join national
        on national.academic_year = schools.academic_year
        and national.pupil_group = schools.pupil_group
    left join national as national_other
        on national_other.academic_year = schools.academic_year
        and national_other.pupil_group = 'other'

)

select * from final
