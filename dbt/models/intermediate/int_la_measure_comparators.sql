{#- Every LA's value of each measure beside its region, statistical-neighbour and national values. A table, not a
    view: 16,500 rows at national scale, but inlined into fct_school_measure_comparison's 1.8 million the view's plan
    ran out of DuckDB's 1 GB (bench/refresh.py). -#}
{{ config(materialized='table') }}
with

area_measures as (

    select * from {{ ref('int_area_measures_long') }}

),

regions as (

    select * from {{ ref('int_la_regions') }}

),

la_measures as (

    select
        area_measures.*,
        regions.la_name,
        regions.region_name
    from area_measures
    left join regions
        on regions.la_code = area_measures.la_code
    where area_measures.geography_level = 'la'

),

national as (

    select * from area_measures
    where geography_level = 'national'

),

-- How many LAs each region has (LA code list): a region figure needs enough of them (var region_min_la_share).
region_sizes as (

    select region_name, count(*) as region_la_total
    from regions
    where region_name is not null
    group by region_name

),

-- Region figures are recomputed from the region's LA figures weighted by pupils (as DfE weights them).
region_values as (

    select
        region_name,
        academic_year,
        measure_code,
        {{ weighted_mean('measure_value', 'weight_pupils') }}
            as region_value,
        count(measure_value) as region_la_count
    from la_measures
    where region_name is not null
    group by region_name, academic_year, measure_code

),

statistical_neighbour_values as (

    select * from {{ ref('int_la_statistical_neighbour_values') }}

),

final as (

    select
        la_measures.la_code,
        la_measures.la_name,
        la_measures.academic_year,
        la_measures.measure_code,
        la_measures.measure_value as la_value,
        la_measures.measure_value_reason as la_value_reason,
        la_measures.measure_status as la_value_status,
        la_measures.value_source as la_value_source,
        la_measures.weight_pupils as la_pupils,
        la_measures.region_name,
        case
            when region_values.region_la_count >= {{ region_las_needed('region_sizes.region_la_total') }}
                then region_values.region_value
        end as region_value,
        cast(region_values.region_la_count as integer) as region_la_count,
        cast(region_sizes.region_la_total as integer) as region_la_total,
        statistical_neighbour_values.statistical_neighbour_value,
        statistical_neighbour_values.statistical_neighbour_count,
        statistical_neighbour_values.sn_release,
        national.measure_value as national_value,
        national.measure_value_reason as national_value_reason,
        national.measure_status as national_value_status,
        la_measures.data_version
    from la_measures
    left join region_values
        on region_values.region_name = la_measures.region_name
        and region_values.academic_year = la_measures.academic_year
        and region_values.measure_code = la_measures.measure_code
    left join region_sizes
        on region_sizes.region_name = la_measures.region_name
    left join statistical_neighbour_values
        on statistical_neighbour_values.la_code = la_measures.la_code
        and statistical_neighbour_values.academic_year = la_measures.academic_year
        and statistical_neighbour_values.measure_code = la_measures.measure_code
    left join national
        on national.academic_year = la_measures.academic_year
        and national.measure_code = la_measures.measure_code

)

select * from final
