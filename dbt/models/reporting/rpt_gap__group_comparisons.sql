{#- Narrowing the gap, pupil groups and subjects: the LA's figure for every group and measure beside its region's,
    its statistical neighbours' and England's for the same group, the LA's gap and England's gap (each against
    England's comparison group), by year. -#}
with

gaps as (

    select * from {{ ref('fct_pupil_group_gaps') }}

),

groups as (

    select * from {{ ref('pupil_groups') }}

),

measures as (

    select * from {{ ref('pupil_group_measures') }}

),

la as (

    select * from gaps
    where geography_level = 'la'
        and la_code = {{ var('la_code') }}

),

national as (

    select * from gaps
    where geography_level = 'national'

),

comparators as (

    select * from {{ ref('int_la_pupil_group_comparators') }}
    where la_code = {{ var('la_code') }}

),

final as (

    select
        national.academic_year,
        national.key_stage,
        national.measure_code,
        national.measure_name,
        national.unit,
        measures.decimal_places,
        measures.display_order as measure_order,
        national.group_code,
        national.group_name,
        groups.breakdown,
        groups.comparison_description,
        groups.display_order as group_order,
        groups.in_gap_report_by_default,
        groups.singled_out_in_service_documents,
        cast(la.group_pupils as integer) as la_pupils,
        la.measure_value as la_value,
        la.measure_value_reason as la_value_reason,
        comparators.region_name,
        comparators.region_value,
        comparators.statistical_neighbour_value,
        coalesce(comparators.statistical_neighbour_count, 0) as statistical_neighbour_count,
        national.measure_value as national_value,
        national.measure_value_reason as national_value_reason,
        la.gap as la_gap,
        national.gap as national_gap,
        la.gap_change_over_two_years as la_gap_change_over_two_years,
        la.gap_trend as la_gap_trend
    from national
    left join la
        on la.academic_year = national.academic_year
        and la.key_stage = national.key_stage
        and la.measure_code = national.measure_code
        and la.group_code = national.group_code
    left join comparators
        on comparators.academic_year = national.academic_year
        and comparators.key_stage = national.key_stage
        and comparators.measure_code = national.measure_code
        and comparators.group_code = national.group_code
    inner join groups
        on groups.group_code = national.group_code
    inner join measures
        on measures.key_stage = national.key_stage
        and measures.measure_code = national.measure_code

)

select * from final
