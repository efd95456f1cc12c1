{#- Every LA's figure for each pupil group and measure beside its region's and its statistical neighbours', as the
    headline measures are compared (int_la_measure_comparators): the region recomputed from its LAs' figures weighted
    by the group's pupils, shown only when enough of the region's LAs have one (var region_min_la_share); the
    neighbours' simple average over the ten nearest (as DfE's LA interactive tool averages them). -#}
with

la_groups as (

    select * from {{ ref('fct_pupil_group_gaps') }}
    where geography_level = 'la'

),

regions as (

    select * from {{ ref('int_la_regions') }}

),

neighbours as (

    select * from {{ ref('stg_statistical_neighbours__neighbours') }}
    where is_latest_release
        and neighbour_rank <= 10

),

region_sizes as (

    select region_name, count(*) as region_la_total
    from regions
    where region_name is not null
    group by region_name

),

la_with_region as (

    select
        la_groups.*,
        regions.region_name
    from la_groups
    left join regions
        on regions.la_code = la_groups.la_code

),

region_values as (

    select
        region_name,
        academic_year,
        key_stage,
        measure_code,
        group_code,
        sum(measure_value * group_pupils)
            / nullif(sum(case when measure_value is not null then group_pupils end), 0) as region_value,
        count(measure_value) as region_la_count
    from la_with_region
    where region_name is not null
    group by region_name, academic_year, key_stage, measure_code, group_code

),

statistical_neighbour_values as (

    select
        neighbours.la_code,
        la_groups.academic_year,
        la_groups.key_stage,
        la_groups.measure_code,
        la_groups.group_code,
        {{ exact_mean('la_groups.measure_value') }} as statistical_neighbour_value,
        cast(count(la_groups.measure_value) as integer) as statistical_neighbour_count
    from neighbours
    inner join la_groups
        on la_groups.la_code = neighbours.neighbour_la_code
    group by neighbours.la_code, la_groups.academic_year, la_groups.key_stage, la_groups.measure_code, la_groups.group_code

),

final as (

    select
        la_with_region.la_code,
        la_with_region.academic_year,
        la_with_region.key_stage,
        la_with_region.measure_code,
        la_with_region.group_code,
        la_with_region.region_name,
        case
            when region_values.region_la_count >= {{ region_las_needed('region_sizes.region_la_total') }}
                then region_values.region_value
        end as region_value,
        cast(region_values.region_la_count as integer) as region_la_count,
        statistical_neighbour_values.statistical_neighbour_value,
        coalesce(statistical_neighbour_values.statistical_neighbour_count, 0) as statistical_neighbour_count
    from la_with_region
    left join region_values
        on region_values.region_name = la_with_region.region_name
        and region_values.academic_year = la_with_region.academic_year
        and region_values.key_stage = la_with_region.key_stage
        and region_values.measure_code = la_with_region.measure_code
        and region_values.group_code = la_with_region.group_code
    left join region_sizes
        on region_sizes.region_name = la_with_region.region_name
    left join statistical_neighbour_values
        on statistical_neighbour_values.la_code = la_with_region.la_code
        and statistical_neighbour_values.academic_year = la_with_region.academic_year
        and statistical_neighbour_values.key_stage = la_with_region.key_stage
        and statistical_neighbour_values.measure_code = la_with_region.measure_code
        and statistical_neighbour_values.group_code = la_with_region.group_code

)

select * from final
