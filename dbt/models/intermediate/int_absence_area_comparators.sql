{#- LA and national absence by phase (PRI, SEC, SPE) and year: the files' own area rows where published (EES gives
    LAs and England; england_abs.csv England only), otherwise recomputed from school rows. Recomputed rates weight
    each school by its sessions (overall) or enrolments (persistent) where the file gives them, else by its census
    pupils on roll, so an EES year recomputes the published rate exactly. -#}
with

schools as (

    select * from {{ ref('int_school_attendance_inputs') }}

),

published as (

    select * from {{ ref('stg_absence__area_absence') }}
    where phase_code <> 'ALL'

),

recomputed as (

    select
        geography_level,
        la_code,
        phase_code,
        academic_year,
        -- Exact sums (macros/exact_means.sql): a weighted mean of one-decimal rates can sit on a rounding tie.
        {{ weighted_mean('overall_absence_pct', 'overall_weight') }} as overall_absence_pct,
        {{ weighted_mean('persistent_absence_pct', 'persistent_weight') }} as persistent_absence_pct,
        count(persistent_absence_pct) as schools_with_figures
    from (
        select 'la' as geography_level, la_code, phase_code, academic_year, overall_absence_pct, overall_weight,
            persistent_absence_pct, persistent_weight
        from schools
        union all
        select 'national', cast(null as integer), phase_code, academic_year, overall_absence_pct, overall_weight,
            persistent_absence_pct, persistent_weight
        from schools
    ) as areas
    where phase_code is not null
    group by geography_level, la_code, phase_code, academic_year

),

final as (

    select
        recomputed.geography_level,
        recomputed.la_code,
        recomputed.phase_code,
        recomputed.academic_year,
        coalesce(published.overall_absence_pct, recomputed.overall_absence_pct) as overall_absence_pct,
        coalesce(published.persistent_absence_pct, recomputed.persistent_absence_pct) as persistent_absence_pct,
        case when published.persistent_absence_pct is not null then 'published' else 'recomputed' end as value_source,
        recomputed.overall_absence_pct as recomputed_overall_absence_pct,
        recomputed.persistent_absence_pct as recomputed_persistent_absence_pct,
        recomputed.schools_with_figures
    from recomputed
    left join published
        on published.geography_level = recomputed.geography_level
        and published.la_code is not distinct from recomputed.la_code
        and published.phase_code = recomputed.phase_code
        and published.academic_year = recomputed.academic_year

)

select * from final
