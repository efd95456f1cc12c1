{#- Every LA's headline measures against its region, statistical neighbours and England, with its rank among
    all LAs (1 = best given the measure's polarity) and quartile (1 = top quarter). -#}
with

la_comparators as (

    select * from {{ ref('int_la_measure_comparators') }}

),

dictionary as (

    select * from {{ ref('measure_dictionary') }}

),

ranked as (

    select
        la_comparators.*,
        dictionary.key_stage,
        dictionary.pupil_group,
        dictionary.unit,
        dictionary.higher_is_better,
        cast(dictionary.decimal_places as integer) as decimal_places,
        case
            when la_comparators.la_value is null then null
            else rank() over (
                partition by la_comparators.academic_year, la_comparators.measure_code, la_comparators.la_value is null
                order by case when dictionary.higher_is_better = false then la_comparators.la_value else -la_comparators.la_value end
            )
        end as la_rank,
        count(la_comparators.la_value) over (partition by la_comparators.academic_year, la_comparators.measure_code)
            as las_ranked
    from la_comparators
    inner join dictionary
        on dictionary.measure_code = la_comparators.measure_code

),

final as (

    select
        la_code,
        la_name,
        academic_year,
        measure_code,
        key_stage,
        pupil_group,
        unit,
        higher_is_better,
        decimal_places,
        la_value,
        la_value_reason,
        la_value_status,
        la_value_source,
        la_pupils,
        region_name,
        region_value,
        region_la_count,
        statistical_neighbour_value,
        statistical_neighbour_count,
        sn_release,
        national_value,
        national_value_status,
        {{ round_to('la_value - region_value', 2) }} as la_minus_region,
        {{ round_to('la_value - statistical_neighbour_value', 2) }} as la_minus_statistical_neighbours,
        {{ round_to('la_value - national_value', 2) }} as la_minus_national,
        cast(la_rank as integer) as la_rank,
        cast(las_ranked as integer) as las_ranked,
        case when la_rank is not null then cast(ceil(4.0 * la_rank / las_ranked) as integer) end as la_quartile,
        case when la_rank is not null then la_rank <= ceil(0.1 * las_ranked) end as is_top_decile,
        data_version
    from ranked

)

select * from final
