{#- Every pupil group's gap, for each school, LA and England, year and measure: the group's figure against England's
    figure for its comparison group (seed pupil_groups: disadvantaged against other pupils, DfE's definition; boys
    against girls; EAL and non-mobile pupils against all pupils; a prior-attainment band like for like), and against
    England's figure for the same group. The trend compares the gap with two years earlier, at the threshold of seed
    pupil_group_measures: a gap behind England that moved at least that much further behind is widening, one that
    moved at least that much towards England is closing. -#}
with

results as (

    select * from {{ ref('int_pupil_group_results') }}

),

national as (

    select
        academic_year,
        key_stage,
        measure_code,
        group_code,
        measure_value as national_value
    from results
    where geography_level = 'national'

),

gaps as (

    select
        results.*,
        same_group.national_value as national_same_group_value,
        comparison.national_value as national_comparison_value,
        {{ round_to('results.measure_value - comparison.national_value', 2) }} as gap,
        {{ round_to('results.measure_value - same_group.national_value', 2) }}
            as difference_from_national_same_group
    from results
    left join national as same_group
        on same_group.academic_year = results.academic_year
        and same_group.key_stage = results.key_stage
        and same_group.measure_code = results.measure_code
        and same_group.group_code = results.group_code
    left join national as comparison
        on comparison.academic_year = results.academic_year
        and comparison.key_stage = results.key_stage
        and comparison.measure_code = results.measure_code
        and comparison.group_code = results.comparison_group_code

),

with_history as (

    select
        gaps.*,
        previous.gap as previous_year_gap,
        two_years_earlier.gap as gap_two_years_earlier,
        two_years_earlier.academic_year as two_years_earlier_year
    from gaps
    left join gaps as previous
        on previous.geography_level = gaps.geography_level
        and previous.area_code = gaps.area_code
        and previous.key_stage = gaps.key_stage
        and previous.measure_code = gaps.measure_code
        and previous.group_code = gaps.group_code
        and previous.academic_year = {{ previous_academic_year('gaps.academic_year') }}
    left join gaps as two_years_earlier
        on two_years_earlier.geography_level = gaps.geography_level
        and two_years_earlier.area_code = gaps.area_code
        and two_years_earlier.key_stage = gaps.key_stage
        and two_years_earlier.measure_code = gaps.measure_code
        and two_years_earlier.group_code = gaps.group_code
        and two_years_earlier.academic_year = {{ previous_academic_year(previous_academic_year('gaps.academic_year')) }}

),

final as (

    select
        geography_level,
        area_code,
        urn,
        la_code,
        academic_year,
        key_stage,
        measure_code,
        measure_name,
        unit,
        group_code,
        group_name,
        comparison_group_code,
        group_pupils,
        group_pupils_reason,
        measure_value,
        measure_value_reason,
        national_same_group_value,
        national_comparison_value,
        gap,
        difference_from_national_same_group,
        previous_year_gap,
        {{ round_to('gap - previous_year_gap', 2) }} as gap_change_from_previous_year,
        gap_two_years_earlier,
        {{ round_to('gap - gap_two_years_earlier', 2) }} as gap_change_over_two_years,
        case
            when gap is null or gap_two_years_earlier is null or group_code = comparison_group_code and group_code = 'all'
                then null
            when gap < 0 and gap - gap_two_years_earlier <= -widening_change_at_least then 'widening'
            when gap_two_years_earlier < 0 and gap - gap_two_years_earlier >= widening_change_at_least then 'closing'
            else 'no clear change'
        end as gap_trend,
        -- one noisy year in a small group can pass the two-year threshold; a gap that moved further behind in
        -- each year did so twice
        coalesce(gap < previous_year_gap and previous_year_gap < gap_two_years_earlier, false)
            as gap_widened_in_each_year,
        widening_change_at_least,
        data_version
    from with_history

)

select * from final
