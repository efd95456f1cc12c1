{#- The warehouse's LA (var la_code) beside England, its region and its statistical neighbours, for every measure,
    pupil group and year it has a row for in rpt_report__la_measures.
    Region: the pupil-weighted average of the region's LAs with a figure and pupils (this LA included, as DfE's
    regional figures are), NULL unless at least rpt_report__comparators.region_la_minimum LAs have one.
    Statistical neighbours: the simple mean of the latest release's neighbours with a figure, as in DfE's LAIT. -#}
with

measures as (

    select * from {{ ref('rpt_report__la_measures') }}

),

comparators as (

    select * from {{ ref('rpt_report__comparators') }}

),

neighbours as (

    select distinct neighbour_la_code
    from {{ ref('stg_statistical_neighbours__neighbours') }}
    where la_code = {{ var('la_code') }} and is_latest_release

),

la_figures as (

    select * from measures
    where geography_level = 'la' and la_code = {{ var('la_code') }}

),

national as (

    select * from measures
    where geography_level = 'national'

),

region_values as (

    select
        measures.academic_year,
        measures.key_stage,
        measures.measure_code,
        measures.pupil_group,
        {{ weighted_mean('measures.value', 'measures.pupils') }} as region_value,
        count(distinct measures.la_code) as region_las
    from measures
    inner join comparators
        on comparators.region_name = measures.region_name
    where measures.geography_level = 'la' and measures.value is not null and measures.pupils is not null
    group by measures.academic_year, measures.key_stage, measures.measure_code, measures.pupil_group

),

neighbour_values as (

    select
        measures.academic_year,
        measures.key_stage,
        measures.measure_code,
        measures.pupil_group,
        {{ exact_mean('measures.value') }} as sn_value,
        count(distinct measures.la_code) as sn_las
    from measures
    inner join neighbours
        on neighbours.neighbour_la_code = measures.la_code
    where measures.geography_level = 'la' and measures.value is not null
    group by measures.academic_year, measures.key_stage, measures.measure_code, measures.pupil_group

),

final as (

    select
        la_figures.academic_year,
        la_figures.key_stage,
        la_figures.measure_code,
        la_figures.pupil_group,
        la_figures.measure_name,
        la_figures.unit,
        la_figures.value as la_value,
        la_figures.value_reason as la_value_reason,
        la_figures.pupils as la_pupils,
        la_figures.data_version,
        national.value as national_value,
        national.value_reason as national_value_reason,
        -- Too few of the region's LAs loaded (a single-LA download): no region figure, never this LA's relabelled.
        case when region_values.region_las >= comparators.region_la_minimum then region_values.region_value end
            as region_value,
        cast(region_values.region_las as integer) as region_las,
        neighbour_values.sn_value,
        cast(coalesce(neighbour_values.sn_las, 0) as integer) as sn_las
    from la_figures
    cross join comparators
    left join national
        on national.academic_year = la_figures.academic_year
        and national.key_stage = la_figures.key_stage
        and national.measure_code = la_figures.measure_code
        and national.pupil_group = la_figures.pupil_group
    left join region_values
        on region_values.academic_year = la_figures.academic_year
        and region_values.key_stage = la_figures.key_stage
        and region_values.measure_code = la_figures.measure_code
        and region_values.pupil_group = la_figures.pupil_group
    left join neighbour_values
        on neighbour_values.academic_year = la_figures.academic_year
        and neighbour_values.key_stage = la_figures.key_stage
        and neighbour_values.measure_code = la_figures.measure_code
        and neighbour_values.pupil_group = la_figures.pupil_group

)

select * from final
