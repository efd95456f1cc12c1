{#- LA and England suspension and permanent-exclusion rates by phase and year, recomputed from the school rows'
    counts (DfE's rates are counts per 100 pupils on roll, so summed counts give the area's rate exactly). A school
    whose counts are suppressed is left out of both numerator and denominator. -#}
with

schools as (

    select * from {{ ref('stg_suspensions__school_suspensions') }}
    where pupils_on_roll is not null
        and suspensions is not null
        and pupils_suspended is not null
        and permanent_exclusions is not null

),

areas as (

    select 'la' as geography_level, la_code, phase_code, academic_year, pupils_on_roll, suspensions,
        pupils_suspended, permanent_exclusions
    from schools
    union all
    select 'national', cast(null as integer), phase_code, academic_year, pupils_on_roll, suspensions,
        pupils_suspended, permanent_exclusions
    from schools

),

final as (

    -- Rates are double divisions on both engines (PostgreSQL would otherwise divide numerics).
    select
        geography_level,
        la_code,
        phase_code,
        academic_year,
        cast(count(*) as integer) as schools_with_figures,
        cast(sum(pupils_on_roll) as bigint) as pupils_on_roll,
        cast(sum(suspensions) as bigint) as suspensions,
        cast(sum(pupils_suspended) as bigint) as pupils_suspended,
        cast(sum(permanent_exclusions) as bigint) as permanent_exclusions,
        100.0 * cast(sum(suspensions) as double precision) / nullif(sum(pupils_on_roll), 0) as suspension_rate,
        100.0 * cast(sum(pupils_suspended) as double precision) / nullif(sum(pupils_on_roll), 0) as pupils_suspended_pct,
        100.0 * cast(sum(permanent_exclusions) as double precision) / nullif(sum(pupils_on_roll), 0) as permanent_exclusion_rate
    from areas
    group by geography_level, la_code, phase_code, academic_year

)

select * from final
