-- Each school's targets in force (the LA's targets return) with the measure's name and unit, for its booklet: a
-- target of 62 for a percentage reads 62%, and no booklet shows a measure code.
with

targets as (

    select * from {{ ref('stg_returns__targets') }}

),

measures as (

    select * from {{ ref('measure_dictionary') }}

),

final as (

    select
        targets.urn,
        targets.academic_year,
        targets.measure_code,
        measures.measure_name,
        measures.unit,
        targets.target_value
    from targets
    left join measures using (measure_code)

)

select * from final
