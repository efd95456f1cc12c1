{#- Booklet destinations: each booklet school's KS4 leavers' destinations for every year published, for all and
    disadvantaged pupils, beside its LA and England. -#}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

destinations as (

    select * from {{ ref('fct_school_destinations') }}
    where pupil_group in ('all', 'disadvantaged')

),

final as (

    select
        destinations.urn,
        destinations.academic_year,
        destinations.ks4_academic_year,
        destinations.pupil_group,
        cast(destinations.cohort_pupils as integer) as cohort_pupils,
        destinations.sustained_pct,
        destinations.sustained_pct_reason,
        destinations.not_sustained_pct,
        destinations.not_sustained_pct_reason,
        destinations.la_sustained_pct,
        destinations.national_sustained_pct
    from destinations
    inner join schools
        on schools.urn = destinations.urn

)

select * from final
