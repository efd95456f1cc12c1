{#- The simple average of each measure over an LA's ten statistical neighbours (as DfE's LA interactive tool
    averages them), with how many neighbours had a value. -#}
with

neighbours as (

    select * from {{ ref('stg_statistical_neighbours__neighbours') }}
    where is_latest_release

),

area_measures as (

    select * from {{ ref('int_area_measures_long') }}
    where geography_level = 'la'

),

final as (

    select
        neighbours.la_code,
        area_measures.academic_year,
        area_measures.measure_code,
        {{ exact_mean('area_measures.measure_value') }} as statistical_neighbour_value,
        cast(count(area_measures.measure_value) as integer) as statistical_neighbour_count,
        max(neighbours.sn_release) as sn_release
    from neighbours
    inner join area_measures
        on area_measures.la_code = neighbours.neighbour_la_code
    where neighbours.neighbour_rank <= 10
    group by neighbours.la_code, area_measures.academic_year, area_measures.measure_code

)

select * from final
